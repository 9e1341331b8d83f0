"""Querysets shared by the pages and the API: landlords by balance and trend, a subject's ledger."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from civitas.credit import ledger
from civitas.credit.access import landlords_visible_to, merchants_visible_to
from civitas.credit.choices import SubjectType
from civitas.credit.models import Balance, LedgerEntry, MerchantFile, Scheme
from civitas.credit.seed_data import LANDLORD_SCHEME, MERCHANT_SCHEME
from civitas.people.models import Person

TREND_DAYS = 90
ORDERINGS = {
    "balance": ("points", "pk"),
    "-balance": ("-points", "pk"),
    "trend": ("trend", "pk"),
    "name": ("name", "pk"),
}


def _with_points(qs: QuerySet[Any], scheme: Scheme, subject_type: str, ref: str, today: datetime.date) -> QuerySet[Any]:
    cycle = ledger.cycle_of(scheme, today)
    balance = Balance.objects.filter(
        scheme=scheme, subject_type=subject_type, subject_id=OuterRef(ref), cycle=cycle
    ).values("points")[:1]
    trend = (
        LedgerEntry.objects.filter(
            scheme=scheme,
            subject_type=subject_type,
            subject_id=OuterRef(ref),
            occurred_on__gt=today - datetime.timedelta(days=TREND_DAYS),
        )
        .values("subject_id")
        .annotate(s=Sum("points"))
        .values("s")
    )
    return qs.annotate(
        points=Coalesce(Subquery(balance, output_field=IntegerField()), Value(scheme.starting_balance)),
        trend=Coalesce(Subquery(trend, output_field=IntegerField()), Value(0)),
    )


def landlord_rows(user: Any, *, township: str = "", order: str = "balance", q: str = "") -> QuerySet[Person]:
    """Landlords in the user's jurisdiction with this cycle's points and the change over 90 days."""
    scheme = ledger.scheme_by_code(LANDLORD_SCHEME)
    qs = landlords_visible_to(user)
    if township:
        qs = qs.filter(properties__division__code__startswith=township).distinct()
    if q:
        qs = qs.filter(name__icontains=q)
    qs = _with_points(
        qs.only("id", "name", "name_latin", "nationality", "division_id"),
        scheme,
        SubjectType.LANDLORD,
        "pk",
        timezone.localdate(),
    )
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["balance"]))


def merchant_rows(user: Any) -> QuerySet[MerchantFile]:
    scheme = ledger.scheme_by_code(MERCHANT_SCHEME)
    qs = merchants_visible_to(user).select_related("person")
    return _with_points(qs, scheme, SubjectType.MERCHANT, "person_id", timezone.localdate()).order_by("points", "pk")


def subject_ledger(
    scheme: Scheme, subject_type: str, subject_id: int, cycle: int | None = None
) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.for_subject(scheme, subject_type, subject_id)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.select_related("rule", "recorded_by", "appeal", "reverses").order_by("-occurred_on", "-id")
