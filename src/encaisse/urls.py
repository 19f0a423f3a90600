from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("encaisse.api.urls")),
    path("dunning/", include("encaisse.dunning.urls")),
    path("collection/", include("encaisse.collection.urls")),
    path("ledger/", include("encaisse.ledger.urls")),
    path("reports/", include("encaisse.analytics.urls")),
    path("bank/", include("encaisse.payments.urls")),
    path("documents/", include("encaisse.invoicing.urls")),
    path("", include("encaisse.web.urls")),
]
