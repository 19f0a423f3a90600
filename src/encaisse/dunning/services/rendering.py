"""Reminder wording: the company's template or the default, filled with the customer's invoices.

Rendering takes plain values (no query per message): the run reads everything in bulk, then
calls `render_message` for each batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.money import ZERO, format_eur, quantize
from encaisse.dunning.errors import DunningCode
from encaisse.dunning.models import ReminderTemplate
from encaisse.dunning.wording import DEFAULT_TEMPLATES

_ENGINE = Engine(autoescape=False)
NOTICE_DAYS = 8  # payment deadline given by the last reminder and the formal notice


@lru_cache(maxsize=256)
def _compile(source: str) -> Template:
    return _ENGINE.from_string(source)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    number: str
    issue_date: date
    due_date: date
    total: Decimal
    open_amount: Decimal
    penalty: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    contact: str
    email: str = ""
    phone: str = ""
    siren: str = ""
    address: str = ""
    language: str = "fr"


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    total_due: Decimal
    penalties: Decimal
    indemnity: Decimal
    context: Mapping[str, Any] = field(default_factory=dict)


def templates_for(company: Company) -> dict[tuple[str, str], tuple[str, str]]:
    """Defaults overlaid with the company's own wording."""
    result = dict(DEFAULT_TEMPLATES)
    for row in ReminderTemplate.objects.filter(company=company):
        result[(row.key, row.language)] = (row.subject, row.body)
    return result


def _fr_date(day: date, language: str) -> str:
    return day.strftime("%d/%m/%Y") if language == "fr" else day.isoformat()


def _money(value: Decimal, language: str) -> str:
    text = format_eur(value)
    return text if language == "fr" else f"EUR {quantize(value):,.2f}"


def render_message(
    *,
    templates: Mapping[tuple[str, str], tuple[str, str]],
    template_key: str,
    company: Company,
    recipient: Recipient,
    invoices: Sequence[InvoiceLine],
    on: date,
    indemnity: Decimal = ZERO,
    portal_link: str = "",
) -> Message:
    language = recipient.language if (template_key, recipient.language) in templates else "fr"
    subject_src, body_src = templates[(template_key, language)]
    total = quantize(sum((i.open_amount for i in invoices), ZERO))
    penalties = quantize(sum((i.penalty for i in invoices), ZERO))
    context = {
        "customer": recipient.name,
        "customer_siren": recipient.siren,
        "customer_address": recipient.address,
        "contact": recipient.contact or recipient.name,
        "phone": recipient.phone,
        "company": company.legal_name,
        "company_siren": company.siren,
        "company_address": ", ".join(company.address_lines()),
        "iban": company.iban,
        "bic": company.bic,
        "portal_link": portal_link or "{portal_link}",
        "today": _fr_date(on, language),
        "deadline": _fr_date(on + timedelta(days=NOTICE_DAYS), language),
        # Rows for custom templates ({% for i in invoices %}), built only when a template
        # asks for them; the default wording uses the two tables below, built in Python.
        "invoices": lambda: _rows(invoices, on, language),
        "invoice_table": lambda: _table(invoices, on, language, total),
        "invoice_details": lambda: _details(invoices, language),
        "total_due": _money(total, language),
        "penalties": _money(penalties, language) if penalties or indemnity else "",
        "indemnity": _money(indemnity, language) if penalties or indemnity else "",
        "claim_total": _money(total + penalties + indemnity, language),
    }
    ctx = Context(context, autoescape=False)
    subject = " ".join(_compile(subject_src).render(ctx).split())[:200]
    body = _compile(body_src).render(ctx).strip() + "\n"
    return Message(subject, body, total, penalties, quantize(indemnity), context)


def _rows(invoices: Sequence[InvoiceLine], on: date, language: str) -> list[dict[str, Any]]:
    return [
        {
            "number": i.number,
            "issue_date": _fr_date(i.issue_date, language),
            "due_date": _fr_date(i.due_date, language),
            "total": _money(i.total, language),
            "open": _money(i.open_amount, language),
            "days_late": max(0, (on - i.due_date).days),
            "penalty": _money(i.penalty, language),
        }
        for i in invoices
    ]


def _table(invoices: Sequence[InvoiceLine], on: date, language: str, total: Decimal) -> str:
    """The statement-style list of a reminder: one line per invoice, then the total."""
    lines = []
    for i in invoices:
        late = (on - i.due_date).days
        issue, due, left = (
            _fr_date(i.issue_date, language),
            _fr_date(i.due_date, language),
            _money(i.open_amount, language),
        )
        if language == "fr":
            line = f"- Facture {i.number} du {issue}, échue le {due} : {left} restant dû"
            lines.append(line + (f" ({late} jours de retard)" if late > 0 else ""))
        else:
            line = f"- Invoice {i.number} of {issue}, due {due}: {left} outstanding"
            lines.append(line + (f" ({late} days late)" if late > 0 else ""))
    label = "Total dû :" if language == "fr" else "Total due:"
    return "\n".join([*lines, f"{label} {_money(total, language)}"])


def _details(invoices: Sequence[InvoiceLine], language: str) -> str:
    """The formal notice's list: number, date, amount, due date and what is left."""
    lines = []
    for i in invoices:
        issue, due = _fr_date(i.issue_date, language), _fr_date(i.due_date, language)
        total, left = _money(i.total, language), _money(i.open_amount, language)
        if language == "fr":
            lines.append(
                f"- Facture n° {i.number} du {issue}, montant {total}, échue le {due}, "
                f"restant dû {left}"
            )
        else:
            lines.append(
                f"- Invoice no. {i.number} of {issue}, amount {total}, due {due}, "
                f"outstanding {left}"
            )
    return "\n".join(lines)


SAMPLE_INVOICES = (
    InvoiceLine(
        "F-000123",
        date(2025, 3, 3),
        date(2025, 4, 2),
        Decimal("1440.00"),
        Decimal("1440.00"),
        Decimal("23.97"),
    ),
    InvoiceLine(
        "F-000131",
        date(2025, 3, 17),
        date(2025, 4, 16),
        Decimal("360.00"),
        Decimal("160.00"),
        Decimal("2.09"),
    ),
)


def template_check(source: str, *, field: str) -> None:
    """Refuse wording that does not compile, naming the field and the template error."""
    try:
        _ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise DomainError(
            DunningCode.TEMPLATE_SYNTAX, f"{field}: {exc}", errors={field: [str(exc)]}
        ) from exc


def template_preview(
    *, company: Company, key: str, language: str, subject: str, body: str, on: date
) -> Message:
    """The wording filled with a sample customer and two sample invoices."""
    template_check(subject, field="subject")
    template_check(body, field="body")
    templates = {(key, language): (subject, body)}
    recipient = Recipient(
        name="Garage Martin SARL",
        contact="Mme Lefèvre",
        email="compta@garage-martin.example",
        phone="04 72 00 00 00",
        siren="732829320",
        address="1 place Bellecour, 69002 Lyon",
        language=language,
    )
    return render_message(
        templates=templates,
        template_key=key,
        company=company,
        recipient=recipient,
        invoices=SAMPLE_INVOICES,
        on=on,
        indemnity=Decimal("80.00"),
        portal_link="https://portail.example/…",
    )


def template_save(
    *, company: Company, key: str, language: str, subject: str, body: str
) -> ReminderTemplate:
    template_check(subject, field="subject")
    template_check(body, field="body")
    row, _created = ReminderTemplate.objects.update_or_create(
        company=company, key=key, language=language, defaults={"subject": subject, "body": body}
    )
    return row


def template_reset(*, company: Company, key: str, language: str) -> None:
    ReminderTemplate.objects.filter(company=company, key=key, language=language).delete()
