"""encaisse: the credit-management desk of a French SME."""

from encaisse.celery import app as celery_app

__all__ = ["celery_app"]
