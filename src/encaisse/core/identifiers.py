"""French and European identifiers, validated with python-stdnum and schwifty."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret


def clean_siren(value: str) -> str:
    return fr_siren.validate(value)


def validate_siren(value: str) -> None:
    try:
        fr_siren.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("Invalid SIREN: %(value)s"), params={"value": value}) from exc


def validate_siret(value: str) -> None:
    try:
        fr_siret.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("Invalid SIRET: %(value)s"), params={"value": value}) from exc


def validate_vat(value: str) -> None:
    try:
        eu_vat.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("Invalid VAT number: %(value)s"), params={"value": value}) from exc


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except ValueError as exc:
        raise ValidationError(_("Invalid IBAN: %(value)s"), params={"value": value}) from exc


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except ValueError as exc:
        raise ValidationError(_("Invalid BIC: %(value)s"), params={"value": value}) from exc


def french_vat_from_siren(siren: str) -> str:
    """The FR intra-EU VAT number derived from a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def compact(value: str) -> str:
    return "".join(value.split()).upper()
