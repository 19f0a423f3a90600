"""Admin for platform staff. Payment terms are set up here; customers change through the app
(its services keep the audit trail), so the admin only shows them."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from encaisse.customers.models import Contact, Customer, PaymentTerms


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services may write: shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "method", "days")
    list_filter = ("method", "company")
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: PaymentTerms, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for warning in obj.lme_warnings:
            messages.warning(request, warning)


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = ("name", "role", "email", "phone")


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("reference", "name", "company", "siren", "city", "payment_terms", "owner")
    list_filter = ("company", "kind", "language")
    search_fields = ("reference", "name", "siren", "city")
    list_select_related = ("company", "payment_terms", "owner")
    inlines = (ContactInline,)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("name", "customer", "role", "email", "phone", "company")
    list_filter = ("role", "company")
    search_fields = ("name", "email", "customer__name")
    list_select_related = ("customer", "company")
