"""Extension points of the staff UI: other apps add menu entries and page panels here.

Each area of the staff app (dunning worklist, reconciliation, reports...) registers its entries
and panels in `WebConfig.ready()`, so the shared templates never name an area.

    from encaisse.web import extensions
    extensions.register_nav("dunning:worklist", _("Worklist"), order=15)

    @extensions.register_panel("customer", order=20)
    def dunning_panel(request, customer):  # returns HTML (a rendered template)
        ...

Panel slots: "customer" (customer page, before the audit trail), "invoice" (invoice page,
before the audit trail), "payment" (payment page). Each renderer gets the request and the row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

PanelRenderer = Callable[[HttpRequest, Any], str]


@dataclass(frozen=True, slots=True)
class NavItem:
    url_name: str
    label: str | Promise
    order: int
    section: str  # matched against the page's `section` to highlight the entry


_nav: dict[str, NavItem] = {}
_panels: dict[str, list[tuple[int, str, PanelRenderer]]] = defaultdict(list)


def register_nav(
    url_name: str, label: str | Promise, *, order: int = 50, section: str = ""
) -> None:
    _nav[url_name] = NavItem(url_name, label, order, section or url_name.split(":")[-1])


def nav_items() -> list[NavItem]:
    return sorted(_nav.values(), key=lambda item: (item.order, item.url_name))


def register_panel(slot: str, *, order: int = 50) -> Callable[[PanelRenderer], PanelRenderer]:
    def decorator(renderer: PanelRenderer) -> PanelRenderer:
        key = f"{renderer.__module__}.{renderer.__qualname__}"
        entries = [e for e in _panels[slot] if e[1] != key]
        entries.append((order, key, renderer))
        _panels[slot] = sorted(entries, key=lambda e: (e[0], e[1]))
        return renderer

    return decorator


def render_panels(slot: str, request: HttpRequest, obj: Any) -> list[str]:
    return [renderer(request, obj) for _order, _key, renderer in _panels[slot]]
