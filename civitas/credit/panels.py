"""Panels the credit app adds to the person page and to a landlord's or merchant's home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civitas.core.extensions import Panel
from civitas.credit import ledger, queries
from civitas.credit.access import is_officer, landlords_visible_to, merchants_visible_to
from civitas.credit.choices import SubjectType
from civitas.credit.models import LedgerEntry, MerchantFile
from civitas.credit.seed_data import LANDLORD_SCHEME, MERCHANT_SCHEME


def _summaries(person_id: int, *, landlord: bool, merchant: bool) -> list[dict[str, Any]]:
    out = []
    for code, subject_type, wanted in (
        (LANDLORD_SCHEME, SubjectType.LANDLORD, landlord),
        (MERCHANT_SCHEME, SubjectType.MERCHANT, merchant),
    ):
        if not wanted:
            continue
        scheme = ledger.scheme_by_code(code)
        out.append(
            {
                "scheme": scheme,
                "points": ledger.current_balance(scheme, subject_type, person_id),
                "consequences": [
                    c for c in queries.active_consequences(subject_type, person_id) if c.scheme_id == scheme.pk
                ],
                "grade": queries.merchant_grade(person_id) if subject_type == SubjectType.MERCHANT else None,
            }
        )
    return out


def person_panel(request: HttpRequest, person: Any) -> Panel | None:
    """Officers see a person's landlord points (if they let property here) and merchant grade."""
    if not is_officer(request.user):
        return None
    landlord = landlords_visible_to(request.user).filter(pk=person.pk).exists()
    mf = merchants_visible_to(request.user).filter(person_id=person.pk).first()
    if landlord:
        link = reverse("credit:landlord", args=[person.pk])
    elif mf is not None:
        link = reverse("credit:merchant", args=[mf.pk])
    else:
        return None
    return Panel(
        _("Credit"),
        "credit/panel_balance.html",
        {"summaries": _summaries(person.pk, landlord=landlord, merchant=mf is not None), "link": link},
        order=40,
    )


def home_panel(request: HttpRequest, user: Any) -> Panel | None:
    """A landlord's (or merchant's) own points on their home page."""
    if not getattr(user, "is_authenticated", False) or not user.person_id:
        return None
    landlord = (
        user.role == "landlord"
        or LedgerEntry.objects.filter(subject_type=SubjectType.LANDLORD, subject_id=user.person_id).exists()
    )
    merchant = MerchantFile.objects.filter(person_id=user.person_id).exists()
    if not (landlord or merchant):
        return None
    return Panel(
        _("My credit"),
        "credit/panel_balance.html",
        {
            "summaries": _summaries(user.person_id, landlord=landlord, merchant=merchant),
            "link": reverse("credit:mine"),
        },
        order=20,
    )
