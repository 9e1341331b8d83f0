from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from civitas.core.extensions import home_panels


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the menu entries for the role plus panels the apps contribute."""
    return render(request, "core/home.html", {"panels": home_panels(request)})


def ping(request: HttpRequest) -> JsonResponse:
    """Trivial JSON endpoint: the benchmarks' baseline for the HTTP stack."""
    return JsonResponse({"ok": True})
