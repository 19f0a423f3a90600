"""Celery tasks of the invoicing app (found by autodiscover_tasks)."""

from encaisse.invoicing.documents.tasks import document_render_task

__all__ = ["document_render_task"]
