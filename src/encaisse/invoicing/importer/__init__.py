"""Reading invoice files from other tools (CSV or XLSX): reading, mapping, rows. Pure: the
import itself, which writes invoices and their payments, is `ledger.invoice_import`."""
