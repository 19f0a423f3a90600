"""Invoice documents: legal PDF/A-3 with Factur-X XML, SEPA QR code, e-invoice ingestion.

The issued PDF of an invoice, credit note or quote is stored once (IssuedDocument, with its
SHA-256) and every later download, export or email returns the same bytes.
"""
