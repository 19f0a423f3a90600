"""Celery task: render an issued invoice's document after commit (in-process without broker)."""

from __future__ import annotations

from celery import shared_task

from encaisse.invoicing.documents.services import document_render_after_issue


@shared_task(name="invoicing.document_render")
def document_render_task(company_id: int, invoice_id: int) -> None:
    document_render_after_issue(company_id=company_id, invoice_id=invoice_id)
