"""Routes of the user's own account, without a namespace: Django's auth views and the reset
email find them by their default names (`password_reset_confirm`...)."""

from django.urls import path

from encaisse.web.accounts import two_factor, views

urlpatterns = [
    path("two-factor/", two_factor.enrol_view, name="two_factor"),
    path("two-factor/verify/", two_factor.verify_view, name="two_factor_verify"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("reset/", views.password_reset, name="password_reset"),
    path("reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
]
