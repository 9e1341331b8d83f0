from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from civitas.core import sms
from civitas.core.extensions import home_panels


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the menu entries for the role plus panels the apps contribute."""
    return render(request, "core/home.html", {"panels": home_panels(request)})


def ping(request: HttpRequest) -> JsonResponse:
    """Trivial JSON endpoint: the benchmarks' baseline for the HTTP stack."""
    return JsonResponse({"ok": True})


def dev_sms_outbox(request: HttpRequest) -> HttpResponse:
    """Development only: the demo has no phones, so tenants read their one-time codes here."""
    if not sms.dev_outbox_enabled():
        raise Http404
    return render(request, "core/dev_sms_outbox.html", {"messages_sent": sms.recent_messages()})
