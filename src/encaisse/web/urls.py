"""Routes of the `web` namespace (home, customers, invoices, payments, settings); the other
areas keep their own namespaces (`dunning:`, `payments:` for the bank...), included from
`encaisse.urls`."""

from django.urls import path

from encaisse.web.customers import views as views_customers
from encaisse.web.home import views
from encaisse.web.invoices import imports as views_import
from encaisse.web.invoices import views as views_invoices
from encaisse.web.payments import views as views_payments
from encaisse.web.settings import tokens as views_tokens
from encaisse.web.settings import views as views_terms

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("figures/<str:name>/status/", views.figures_status_view, name="figures_status"),
    path("company/", views.company_switch, name="company_switch"),
    path("customers/", views_customers.customer_list_view, name="customer_list"),
    path("customers/new/", views_customers.customer_create_view, name="customer_create"),
    path("customers/<int:pk>/", views_customers.customer_detail_view, name="customer_detail"),
    path("customers/<int:pk>/edit/", views_customers.customer_edit_view, name="customer_edit"),
    path("customers/<int:pk>/contacts/", views_customers.contact_add_view, name="contact_add"),
    path("invoices/", views_invoices.invoice_list_view, name="invoice_list"),
    path("invoices/new/", views_invoices.invoice_create_view, name="invoice_create"),
    path("invoices/<int:pk>/", views_invoices.invoice_detail_view, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", views_invoices.invoice_edit_view, name="invoice_edit"),
    path("invoices/<int:pk>/issue/", views_invoices.invoice_issue_view, name="invoice_issue"),
    path("invoices/<int:pk>/cancel/", views_invoices.invoice_cancel_view, name="invoice_cancel"),
    path("invoices/<int:pk>/credit/", views_invoices.invoice_credit_view, name="invoice_credit"),
    path("invoices/<int:pk>/dispute/", views_invoices.invoice_dispute_view, name="invoice_dispute"),
    path("allocations/<int:pk>/undo/", views_invoices.allocation_undo_view, name="allocation_undo"),
    path("payments/", views_payments.payment_list_view, name="payment_list"),
    path("payments/new/", views_payments.payment_create_view, name="payment_create"),
    path(
        "payments/new/invoices/",
        views_payments.payment_open_invoices_view,
        name="payment_open_invoices",
    ),
    path("payments/<int:pk>/", views_payments.payment_detail_view, name="payment_detail"),
    path(
        "payments/<int:pk>/allocate/",
        views_payments.payment_allocate_view,
        name="payment_allocate",
    ),
    path(
        "payments/<int:pk>/allocate-oldest/",
        views_payments.payment_allocate_oldest_view,
        name="payment_allocate_oldest",
    ),
    path("import/invoices/", views_import.invoice_import, name="invoice_import"),
    path("settings/terms/", views_terms.terms_list_view, name="terms_list"),
    path("settings/tokens/", views_tokens.token_list_view, name="token_list"),
    path("settings/tokens/<int:pk>/revoke/", views_tokens.token_revoke_view, name="token_revoke"),
]
