"""Placeholder replaced by the invoice import page (web upload of CSV/XLSX)."""
