"""The tenant (Company), who works for it (Membership), numbering series, the audit log and
the API tokens its integrations call with."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from encaisse.core.identifiers import validate_bic, validate_iban, validate_siren, validate_vat


class Address(models.Model):
    """Postal address fields, inlined in each model that has one."""

    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        city = " ".join(p for p in (self.postal_code, self.city) if p)
        lines = [self.address_line1, self.address_line2, city]
        if self.country and self.country != "FR":
            lines.append(self.country)
        return [line for line in lines if line]


class Company(Address):
    """A tenant: one legal entity whose receivables encaisse manages."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    share_capital = models.DecimalField(
        _("share capital"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rcs_city = models.CharField(_("RCS registry city"), max_length=100, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    vat_number = models.CharField(
        _("VAT number"), max_length=20, blank=True, validators=[validate_vat]
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    default_terms = models.ForeignKey(
        "customers.PaymentTerms",
        verbose_name=_("default payment terms"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Penalty clause: None means the legal default (ECB refinancing rate + 10 points).
    penalty_rate = models.DecimalField(
        _("contractual late-penalty rate"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Yearly rate as a fraction (0.1215 = 12.15 %). Empty: ECB rate + 10 points."),
        validators=[MinValueValidator(Decimal(0))],
    )
    recovery_indemnity = models.DecimalField(
        _("fixed recovery indemnity"), max_digits=8, decimal_places=2, default=Decimal("40.00")
    )
    early_payment_discount = models.CharField(
        _("early payment discount"),
        max_length=200,
        default="Escompte pour paiement anticipé : néant",
    )
    # Documents (issue 3): mentions printed on invoices and quotes.
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    vat_on_debits = models.BooleanField(
        _("VAT on debits"),
        default=False,
        help_text=_("Service provider that opted to pay VAT on debits (printed on invoices)."),
    )
    vat_group_member = models.BooleanField(_("member of a VAT group"), default=False)
    vat_exemption_text = models.CharField(
        _("VAT exemption mention"),
        max_length=200,
        blank=True,
        help_text=_(
            'Printed on invoices without VAT, e.g. "TVA non applicable, art. 293 B du CGI".'
        ),
    )
    payment_methods = models.CharField(
        _("payment methods accepted"), max_length=200, default="Virement bancaire"
    )
    quote_series = models.CharField(_("quote series"), max_length=10, default="D")
    quote_validity_days = models.PositiveSmallIntegerField(_("quote validity (days)"), default=30)
    invoice_series = models.CharField(_("invoice series"), max_length=10, default="F")
    credit_note_series = models.CharField(_("credit note series"), max_length=10, default="AV")
    import_mapping = models.JSONField(_("saved import column mapping"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering: ClassVar = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class CompanyScoped(models.Model):
    """Every business row belongs to one company; selectors always filter on it."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    CREDIT_MANAGER = "credit_manager", _("Credit manager")
    SALES = "sales", _("Sales")
    ACCOUNTANT = "accountant", _("Accountant (read-only)")


class Membership(CompanyScoped):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role != Role.ACCOUNTANT

    @property
    def can_manage_money(self) -> bool:
        """Issuing, crediting and recording payments change what customers owe."""
        return self.role in (Role.OWNER, Role.CREDIT_MANAGER)


class Sequence(CompanyScoped):
    """Gapless counter of one numbering series; locked with SELECT FOR UPDATE when used."""

    series = models.CharField(max_length=10)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "series"], name="sequence_unique_series"),
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.last_number}"


class AuditEvent(CompanyScoped):
    """Who changed what and when, with the values before and after.

    Append-only: database triggers refuse any UPDATE or DELETE of a row (`core.append_only`),
    and a user named here cannot be deleted (deactivate it instead)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=50)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["company", "subject_type", "subject_id"], name="audit_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.subject_id}"


class CompanyLock(CompanyScoped):
    """Who holds a per-company lock on SQLite (`core.locks`); PostgreSQL uses advisory locks.

    One row per (company, name), claimed by a conditional UPDATE; an empty holder is free."""

    name = models.CharField(max_length=50)
    holder = models.CharField(max_length=200, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "name"], name="company_lock_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or '-'}"


class EcbRate(models.Model):
    """ECB main refinancing rate from a value date on; shared by every company (public data).

    Invoices print the legal penalty rate from it and dunning claims penalties with it: it sits
    below both."""

    effective = models.DateField(_("from"), unique=True)
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = _("ECB refinancing rate")
        ordering: ClassVar = ["effective"]

    def __str__(self) -> str:
        return f"{self.effective}: {self.rate}"


TOKEN_PREFIX = "enc_"  # noqa: S105 - a public marker of our tokens, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(CompanyScoped):
    """An integration's key to the API, acting as a member of one company; stored as a hash.

    It works until `expires_at`, or until revoked (`revoked_at`); `last_used_at` is written at
    most once a minute. It sits in core (its table keeps the API app's name) because both the
    API, which checks it, and the staff settings page, which manages it, read it.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        db_table = "api_apitoken"
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def issue(
        cls, *, company: Company, user: object, name: str, days: int | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token living `days` (ENCAISSE_API_TOKEN_DAYS by default); the raw value
        is returned once and never stored. `api_token_create` is the audited use case."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            company=company,
            user=user,
            name=name,
            key_hash=hash_token(raw),
            created_at=now,
            expires_at=now + timedelta(days=days or settings.ENCAISSE_API_TOKEN_DAYS),
        )
        return token, raw

    def state_at(self, now: datetime) -> State:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE
