"""Error codes of the ledger: FEC import."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class LedgerCode(ErrorCode):
    FEC_TOTALS = "fec_totals", ErrorKind.INVALID
    FEC_WRITTEN_TOTALS = "fec_written_totals", ErrorKind.INVALID
