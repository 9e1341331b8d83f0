from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from civitas.api import urls_by_router

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", urls_by_router()),
    path("accounts/", include("civitas.accounts.urls")),
    path("people/", include("civitas.people.urls")),
    path("places/", include("civitas.places.urls")),
    path("residence/", include("civitas.residence.urls")),
    path("credit/", include("civitas.credit.urls")),
    path("permits/", include("civitas.permits.urls")),
    path("services/", include("civitas.services.urls")),
    path("mediation/", include("civitas.mediation.urls")),
    path("inspections/", include("civitas.inspections.urls")),
    path("insight/", include("civitas.insight.urls")),
    path("", include("civitas.core.urls")),
]
