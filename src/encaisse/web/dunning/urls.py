from django.urls import path

from encaisse.web.dunning import policies as views_policies
from encaisse.web.dunning import views

app_name = "dunning"
urlpatterns = [
    path("worklist/", views.worklist_view, name="worklist"),
    path("reminders/<int:pk>/", views.reminder_detail_view, name="reminder_detail"),
    path("reminders/<int:pk>/approve/", views.reminder_approve_view, name="reminder_approve"),
    path("reminders/<int:pk>/skip/", views.reminder_skip_view, name="reminder_skip"),
    path("reminders/<int:pk>/retry/", views.reminder_retry_view, name="reminder_retry"),
    path("reminders/<int:pk>/mark-sent/", views.reminder_mark_sent_view, name="reminder_mark_sent"),
    path("reminders/<int:pk>/resend/", views.reminder_resend_view, name="reminder_resend"),
    path("reminders/<int:pk>/pdf/", views.reminder_pdf_view, name="reminder_pdf"),
    path("reminders/<int:pk>/call/", views.call_outcome_view, name="call_outcome"),
    path("customers/<int:pk>/hold/", views.customer_hold_view, name="customer_hold"),
    path("templates/", views.templates_view, name="templates"),
    path("templates/<str:key>/<str:language>/", views.template_edit_view, name="template_edit"),
    path("invoices/<int:pk>/penalties/", views.penalty_decide_view, name="penalty_decide"),
    path("policies/", views_policies.policies_view, name="policies"),
    path("policies/new/", views_policies.policy_edit_view, name="policy_create"),
    path("policies/<int:pk>/", views_policies.policy_edit_view, name="policy_edit"),
    path("steps/<int:pk>/delete/", views_policies.step_delete_view, name="step_delete"),
    path("customers/<int:pk>/policy/", views_policies.customer_policy_view, name="customer_policy"),
]
