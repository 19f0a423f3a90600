"""Every business model carries `company`, and each of its unique rules includes it.

The models are found by walking every installed app under `encaisse.`, so a new app or model is
covered without editing this file; the allow-lists below name the exceptions, each with its
reason, and fail when an entry no longer needs to be there.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models.expressions import BaseExpression, F

from encaisse.core.models import ApiToken, Company

# Models without a `company` column, and why.
ALLOWED_WITHOUT_COMPANY = {
    "core.Company": "the tenant itself",
    "core.EcbRate": "ECB reference rates are public facts, the same for every company",
}

# Single-column unique fields that are not scoped by company, and why.
UNIQUE_WITHOUT_COMPANY = {
    "core.ApiToken.key_hash": "the token's hash is how a request finds its company",
}


def our_models() -> list[type[models.Model]]:
    """Every concrete model of every app under `encaisse.`."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("encaisse.")
        for model in config.get_models()
        if not model._meta.proxy
    ]


def scoped_models() -> list[type[models.Model]]:
    return [m for m in our_models() if m._meta.label not in ALLOWED_WITHOUT_COMPANY]


def _company_field(model: type[models.Model]) -> models.ForeignKey | None:
    field = next((f for f in model._meta.get_fields() if f.name == "company"), None)
    return field if isinstance(field, models.ForeignKey) else None


def _has_company(model: type[models.Model]) -> bool:
    field = _company_field(model)
    return field is not None and field.related_model is Company


def _constraint_columns(constraint: models.UniqueConstraint) -> set[str]:
    names = set(constraint.fields)
    for expression in constraint.expressions:
        if isinstance(expression, BaseExpression):
            names |= {e.name for e in expression.flatten() if isinstance(e, F)}
    return names


def test_the_walk_finds_the_models_of_every_app() -> None:
    # when
    labels = {m._meta.app_label for m in our_models()}

    # then: the API tokens are core's since they gained a settings page (core 0006)
    assert {"core", "customers", "invoicing", "payments", "dunning"} <= labels
    assert ApiToken in our_models()


def test_every_business_model_has_a_company() -> None:
    # when
    missing = [m._meta.label for m in scoped_models() if not _has_company(m)]

    # then
    assert missing == [], (
        "These models need `company` (inherit CompanyScoped) or an entry with its reason in "
        f"ALLOWED_WITHOUT_COMPANY: {missing}"
    )


def test_the_allow_lists_name_only_what_needs_them() -> None:
    # given
    labels = {m._meta.label: m for m in our_models()}

    # then every model allowed without company exists and indeed has none
    stale = [
        label
        for label in ALLOWED_WITHOUT_COMPANY
        if label not in labels or _company_field(labels[label]) is not None
    ]
    assert stale == []
    # and every unique field allowed without company exists and is unique
    for entry in UNIQUE_WITHOUT_COMPANY:
        label, _, field = entry.rpartition(".")
        unique = labels[label]._meta.get_field(field)
        assert isinstance(unique, models.Field), entry
        assert unique.unique, entry


def test_every_unique_constraint_includes_company() -> None:
    # when
    offenders = []
    for model in scoped_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and (
                "company" not in _constraint_columns(constraint)
            ):
                offenders.append(f"{model._meta.label}.{constraint.name}")
        for together in model._meta.unique_together:
            if "company" not in together:
                offenders.append(f"{model._meta.label}.unique_together{together}")

    # then
    assert offenders == []


def test_every_unique_field_is_scoped_by_company() -> None:
    # given a unique link to a company-scoped row is scoped through that row
    scoped = set(scoped_models()) | {Company}

    # when
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in scoped_models()
        for field in model._meta.local_fields
        if field.unique
        and not field.primary_key
        and field.related_model not in scoped
        and f"{model._meta.label}.{field.name}" not in UNIQUE_WITHOUT_COMPANY
    ]

    # then
    assert offenders == [], (
        "Make these unique together with company (UniqueConstraint) or add them with a reason "
        f"to UNIQUE_WITHOUT_COMPANY: {offenders}"
    )
