"""Display helpers: money the French way, short dates, percentages, invoice states, paging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from encaisse.core.money import format_eur, quantize
from encaisse.invoicing.models import Invoice
from encaisse.web.shell.forms import display_decimal

register = template.Library()


@register.filter
def money(value: Decimal | int | str | None, currency: str = "EUR") -> str:
    """1 234,56 € (narrow no-break space for thousands); empty for None."""
    if value is None or value == "":
        return ""
    return format_eur(Decimal(value), currency)


@register.filter
def number(value: Decimal | None) -> str:
    """A quantity without trailing zeros, with the locale's decimal separator: 1,5."""
    if value is None:
        return ""
    return display_decimal(Decimal(value))


@register.filter
def price(value: Decimal | None) -> str:
    """A unit price: two decimals like money, more when it has them (12,3456 €)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == quantize(value):
        return format_eur(value)
    return f"{display_decimal(value)}\u00a0€"


@register.filter
def day(value: date | None) -> str:
    """The locale's short date: 31/03/2026 in French."""
    if value is None:
        return ""
    return date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def percent(rate: Decimal | None) -> str:
    """A fraction shown as a percentage: 0.055 -> '5,5 %' in French, '5.5 %' in English."""
    if rate is None:
        return ""
    pct = (Decimal(rate) * 100).normalize()
    text = f"{pct:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text.replace('.', str(get_format('DECIMAL_SEPARATOR')))}\u00a0%"


@register.filter
def days_late(due: date | None, on: date) -> int:
    """Days past the due date as of `on` (0 when not yet due)."""
    if due is None:
        return 0
    return max((on - due).days, 0)


@register.simple_tag
def invoice_badge(invoice: Invoice, on: date) -> SafeString:
    """A coloured label for where an invoice stands: draft, open, overdue, paid, cancelled."""
    label, css = _state(invoice, on)
    return format_html('<span class="badge text-bg-{}">{}</span>', css, label)


def _state(invoice: Invoice, on: date) -> tuple[str, str]:
    if invoice.status == Invoice.Status.DRAFT:
        return _("Draft"), "secondary"
    if invoice.status == Invoice.Status.CANCELLED:
        return _("Cancelled"), "dark"
    if invoice.is_credit_note:
        return _("Issued"), "info"
    open_amount = getattr(invoice, "open_amount", None)
    if open_amount is not None and open_amount <= 0:
        credited = getattr(invoice, "credited_amount", Decimal(0))
        if credited >= invoice.total_amount:
            return _("Credited"), "success"
        return _("Paid"), "success"
    if invoice.is_overdue(on):
        return _("Overdue"), "danger"
    return _("Open"), "primary"


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging and sorting links)."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[str, Any, Any]]:
    """An audit event's fields as (name, before, after) rows; a missing or null value is ''."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [(name, _blank(before.get(name)), _blank(after.get(name))) for name in names]


def _blank(value: Any) -> Any:
    return "" if value is None else value


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any) -> SafeString:
    """The panels other apps registered for this page (see encaisse.web.shell.extensions)."""
    from django.utils.safestring import mark_safe

    from encaisse.web.shell.extensions import render_panels

    request = context.get("request")
    if request is None:
        return SafeString("")
    return mark_safe("".join(render_panels(slot, request, obj)))  # noqa: S308  # rendered templates


@register.simple_tag
def extra_nav() -> list[Any]:
    from encaisse.web.shell.extensions import nav_items

    return nav_items()
