"""File downloads of the staff pages: attachment headers, and the stored documents' checksum."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from encaisse.invoicing.models import IssuedDocument


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Content-Length"] = str(len(content))
    return response


def document_response(document: IssuedDocument) -> HttpResponse:
    response = file_response(bytes(document.content), document.filename, document.content_type)
    response["X-Content-SHA256"] = document.sha256
    return response
