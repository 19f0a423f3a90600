"""Import of existing invoices from CSV or XLSX files (reading, mapping, rows, service)."""
