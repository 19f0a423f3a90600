from django.contrib import admin

from encaisse.collection.models import Promise
from encaisse.customers.admin import ReadOnlyAdmin


@admin.register(Promise)
class PromiseAdmin(ReadOnlyAdmin):
    list_display = ("customer", "company", "promised_on", "amount", "state")
    list_filter = ("state", "company")
