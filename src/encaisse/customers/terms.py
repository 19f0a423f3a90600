"""Payment terms (délais de paiement): due dates and the LME caps of C. com. L441-10.

Pure module: plain dates in, dates and warnings out.

>>> due_date(date(2025, 1, 2), TermsMethod.EOM_THEN_DAYS, 45)
datetime.date(2025, 3, 17)
>>> due_date(date(2025, 1, 2), TermsMethod.DAYS_THEN_EOM, 45)
datetime.date(2025, 2, 28)
>>> due_date(date(2025, 1, 2), TermsMethod.NET, 60)
datetime.date(2025, 3, 3)
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

from django.utils.translation import gettext as _

from encaisse.core.dates import end_of_month

# Caps of C. com. L441-10 I (general regime). Sector regimes (transport 30 days, perishables...)
# are stricter; a company in such a sector sets its terms accordingly.
LME_NET_MAX_DAYS = 60
LME_EOM_MAX_DAYS = 45


class TermsMethod(enum.StrEnum):
    NET = "net"  # N days net from the issue date
    EOM_THEN_DAYS = "eom_then_days"  # end of month, then N days (method A)
    DAYS_THEN_EOM = "days_then_eom"  # N days, then end of that month (method B)
    ON_RECEIPT = "on_receipt"  # due at issue


def due_date(issue: date, method: TermsMethod | str, days: int) -> date:
    method = TermsMethod(method)
    if method is TermsMethod.ON_RECEIPT:
        return issue
    if method is TermsMethod.NET:
        return issue + timedelta(days=days)
    if method is TermsMethod.EOM_THEN_DAYS:
        return end_of_month(issue) + timedelta(days=days)
    return end_of_month(issue + timedelta(days=days))


def lme_warnings(method: TermsMethod | str, days: int) -> list[str]:
    """Why these terms may breach the legal caps; empty when they are within them.

    A warning, not a refusal: sector regimes and express agreements make the final call a
    human one, but nobody should grant such terms without being told.
    """
    method = TermsMethod(method)
    params = {"days": days, "net": LME_NET_MAX_DAYS, "eom": LME_EOM_MAX_DAYS}
    if method is TermsMethod.NET and days > LME_NET_MAX_DAYS:
        return [_("%(days)s days net exceeds the legal cap of %(net)s days (L441-10).") % params]
    if method in (TermsMethod.EOM_THEN_DAYS, TermsMethod.DAYS_THEN_EOM):
        if days > LME_EOM_MAX_DAYS:
            return [
                _(
                    "%(days)s days end of month exceeds the legal cap of %(eom)s days end of "
                    "month (L441-10)."
                )
                % params
            ]
        if method is TermsMethod.DAYS_THEN_EOM and days + 30 > LME_NET_MAX_DAYS:
            return [
                _(
                    "%(days)s days then end of month can fall more than %(net)s days after the "
                    "issue date; it must be expressly agreed (L441-10)."
                )
                % params
            ]
    return []
