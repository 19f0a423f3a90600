"""Customers (débiteurs), their contacts and the payment terms they were granted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.identifiers import validate_siren, validate_siret, validate_vat
from encaisse.core.models import Address, CompanyScoped
from encaisse.customers import terms


class PaymentTerms(CompanyScoped):
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=[
            (terms.TermsMethod.NET.value, _("N days net")),
            (terms.TermsMethod.EOM_THEN_DAYS.value, _("End of month, then N days")),
            (terms.TermsMethod.DAYS_THEN_EOM.value, _("N days, then end of month")),
            (terms.TermsMethod.ON_RECEIPT.value, _("On receipt")),
        ],
        default=terms.TermsMethod.NET.value,
    )
    days = models.PositiveSmallIntegerField(_("days"), default=30)

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("payment terms")
        ordering: ClassVar = ["days", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "name"], name="terms_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lme_warnings(self) -> list[str]:
        return terms.lme_warnings(self.method, self.days)


class RiskClass(models.TextChoices):
    """A = excellent payer ... D = high risk; drives terms and dunning policy."""

    A = "A", _("A - low risk")
    B = "B", _("B - normal")
    C = "C", _("C - watch")
    D = "D", _("D - high risk")


class Customer(CompanyScoped, Address):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        PUBLIC = "public", _("Public body")
        CONSUMER = "consumer", _("Consumer")

    class Language(models.TextChoices):
        FR = "fr", "Français"
        EN = "en", "English"

    reference = models.CharField(_("customer code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BUSINESS)
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("VAT number"), max_length=20, blank=True, validators=[validate_vat]
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    delivery_address_line1 = models.CharField(_("delivery address"), max_length=200, blank=True)
    delivery_address_line2 = models.CharField(
        _("delivery address (continued)"), max_length=200, blank=True
    )
    delivery_postal_code = models.CharField(_("delivery postal code"), max_length=20, blank=True)
    delivery_city = models.CharField(_("delivery city"), max_length=100, blank=True)
    delivery_country = models.CharField(_("delivery country"), max_length=2, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    payment_terms = models.ForeignKey(
        PaymentTerms,
        verbose_name=_("payment terms"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)
    accounting_account = models.CharField(
        _("accounting account"),
        max_length=40,
        blank=True,
        help_text=_("Customer account in the general ledger (411…) or auxiliary account."),
    )
    risk_class = models.CharField(
        _("risk class"), max_length=1, choices=RiskClass.choices, default=RiskClass.B
    )
    on_hold_reason = models.CharField(_("on hold because"), max_length=200, blank=True)
    on_hold_until = models.DateField(_("on hold until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on rows read through ledger.positions.customer_list, never stored.
    balance: Decimal

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "reference"], name="customer_unique_ref"),
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="customer_credit_limit_positive",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "name"], name="customer_name"),
            models.Index(fields=["company", "siren"], name="customer_siren"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.siret and self.siren and not self.siret.startswith(self.siren):
            raise ValidationError({"siret": _("The SIRET must start with the SIREN.")})
        if self.siret and not self.siren:
            self.siren = self.siret[:9]

    def is_on_hold(self, on: date) -> bool:
        """Held customers get no reminder; a hold without end date lasts until lifted."""
        if not self.on_hold_reason:
            return False
        return self.on_hold_until is None or on <= self.on_hold_until

    def delivery_lines(self) -> list[str]:
        city = " ".join(p for p in (self.delivery_postal_code, self.delivery_city) if p)
        lines = [self.delivery_address_line1, self.delivery_address_line2, city]
        return [line for line in lines if line]


class Contact(CompanyScoped):
    class ContactRole(models.TextChoices):
        BILLING = "billing", _("Billing")
        ACCOUNTS_PAYABLE = "accounts_payable", _("Accounts payable")
        PURCHASING = "purchasing", _("Purchasing")
        MANAGEMENT = "management", _("Management")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING
    )

    class Meta:
        verbose_name = _("contact")
        ordering: ClassVar = ["role", "name"]

    def __str__(self) -> str:
        return self.name
