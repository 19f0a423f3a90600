"""Display of KPI figures: days and percentages with the locale's decimal separator."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import get_format

register = template.Library()


def _decimal(value: Decimal, places: int) -> str:
    text = f"{Decimal(value):.{places}f}"
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


@register.filter
def days(value: Decimal | None) -> str:
    """'42,8 j' in French ('42.8 d' in English); an em dash when undefined."""
    if value is None:
        return "—"
    from django.utils.translation import gettext as _

    return f"{_decimal(value, 1)}\u00a0{_('d')}"


@register.filter
def pct(value: Decimal | None) -> str:
    """A percentage already on 0-100: '79,6 %'; an em dash when undefined."""
    if value is None:
        return "—"
    return f"{_decimal(value, 1)}\u00a0%"


@register.filter
def signed(value: Decimal | None) -> str:
    """A change: '+3,2' or '−1,0' (true minus sign); empty when undefined."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "±"
    return f"{sign}{_decimal(abs(Decimal(value)), 1)}"


@register.filter
def hhi(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{int(Decimal(value)):,}".replace(",", "\u202f")
