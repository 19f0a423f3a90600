"""Every business model carries `company`, and each unique constraint includes it."""

from django.apps import apps
from django.db import models

# Company itself, and reference data shared by all companies (ECB rates are public facts).
ALLOWED_WITHOUT_COMPANY = {"core.Company", "core.EcbRate"}
OUR_APPS = (
    "core",
    "customers",
    "invoicing",
    "payments",
    "ledger",
    "dunning",
    "collection",
    "analytics",
    "web",
    "api",
)


def _our_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_business_model_has_a_company() -> None:
    missing = [
        m._meta.label
        for m in _our_models()
        if m._meta.label not in ALLOWED_WITHOUT_COMPANY
        and "company" not in {f.name for f in m._meta.get_fields()}
    ]
    assert missing == []


def test_every_unique_constraint_includes_company() -> None:
    offenders = []
    for model in _our_models():
        if model._meta.label in ALLOWED_WITHOUT_COMPANY:
            continue
        for constraint in model._meta.constraints:
            if (
                isinstance(constraint, models.UniqueConstraint)
                and "company" not in constraint.fields
            ):
                offenders.append(f"{model._meta.label}.{constraint.name}")
    assert offenders == []
