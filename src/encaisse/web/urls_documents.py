from django.urls import path

from encaisse.web.invoices import documents as views
from encaisse.web.quotes import views as quotes

app_name = "invoicing"

urlpatterns = [
    path("invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("invoices/<int:pk>/send/", views.invoice_send_view, name="invoice_send"),
    path("invoices/<int:pk>/lifecycle/", views.invoice_lifecycle_view, name="invoice_lifecycle"),
    path("customers/<int:pk>/statement.pdf", views.statement_pdf_view, name="statement_pdf"),
    path("customers/<int:pk>/statement/send/", views.statement_send_view, name="statement_send"),
    path("einvoices/import/", views.einvoice_import_view, name="einvoice_import"),
    path("quotes/", quotes.quote_list_view, name="quote_list"),
    path("quotes/new/", quotes.quote_create_view, name="quote_create"),
    path("quotes/<int:pk>/", quotes.quote_detail_view, name="quote_detail"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit_view, name="quote_edit"),
    path("quotes/<int:pk>/pdf/", quotes.quote_pdf_view, name="quote_pdf"),
    path("quotes/<int:pk>/issue/", quotes.quote_issue_view, name="quote_issue"),
    path("quotes/<int:pk>/accept/", quotes.quote_accept_view, name="quote_accept"),
    path("quotes/<int:pk>/refuse/", quotes.quote_refuse_view, name="quote_refuse"),
    path("quotes/<int:pk>/send/", quotes.quote_send_view, name="quote_send"),
    path("quotes/<int:pk>/convert/", quotes.quote_convert_view, name="quote_convert"),
]
