"""Admin of the core tables. Numbering sequences and the audit trail are read-only: a rewound
counter makes the next issue fail on a duplicate number, and the audit trail is append-only
(the database refuses updates and deletes of its rows too, core migration 0007)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from encaisse.core.models import AuditEvent, Company, EcbRate, Membership, Sequence


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "slug", "siren")
    search_fields = ("legal_name", "siren")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "role")
    list_filter = ("role",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to staff who may view it; added, changed or deleted by nobody, superusers too."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ("company", "series", "last_number")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "company", "kind", "subject_type", "subject_id", "actor")
    list_filter = ("kind",)


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    list_display = ("effective", "rate")
