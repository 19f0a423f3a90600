from django.contrib import admin

from encaisse.collection.models import Dispute, Promise
from encaisse.customers.admin import ReadOnlyAdmin


@admin.register(Promise)
class PromiseAdmin(ReadOnlyAdmin):
    list_display = ("customer", "company", "promised_on", "amount", "state")
    list_filter = ("state", "company")


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "company", "amount", "reason", "status", "opened_on", "resolved_on")
    list_filter = ("status", "reason", "company")
