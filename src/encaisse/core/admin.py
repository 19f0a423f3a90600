from django.contrib import admin

from encaisse.core.models import AuditEvent, Company, EcbRate, Membership, Sequence


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "slug", "siren")
    search_fields = ("legal_name", "siren")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "role")
    list_filter = ("role",)


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("company", "series", "last_number")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "company", "kind", "subject_type", "subject_id", "actor")
    list_filter = ("kind",)


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    list_display = ("effective", "rate")
