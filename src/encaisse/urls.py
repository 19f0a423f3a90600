from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from encaisse.web.accounts import two_factor

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", two_factor.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("encaisse.web.accounts.urls")),
    path("api/", include("encaisse.api.urls")),
    path("dunning/", include("encaisse.web.dunning.urls")),
    path("collection/", include("encaisse.web.collection.urls")),
    path("ledger/", include("encaisse.web.ledger.urls")),
    path("reports/", include("encaisse.web.reports.urls")),
    path("bank/", include("encaisse.web.bank.urls")),
    path("documents/", include("encaisse.web.urls_documents")),
    path("", include("encaisse.web.urls")),
]
