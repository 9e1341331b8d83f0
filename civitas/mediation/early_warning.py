"""Early warning: repeated parties, category spikes in a township, groups of workers claiming wages.

Checked when a case is filed (inside the filing transaction). Each alert has a key, so one situation
raises one alert a day however many cases add to it; its detail is refreshed with the latest count.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from civitas.core import audit
from civitas.mediation.choices import AlertKind, Category, PartyRole
from civitas.mediation.models import Alert, Case, Party
from civitas.mediation.policy import Policy
from civitas.places.models import Division


def _township(case: Case) -> Division:
    code = case.division_id[:9]
    return Division.objects.filter(code=code).first() or case.division


def _raise(kind: str, key: str, case: Case, subject: str, detail: dict[str, Any], now: datetime.datetime) -> Alert:
    alert, created = Alert.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "division": _township(case),
            "subject": subject,
            "detail": detail,
            "case": case,
            "created_at": now,
        },
    )
    if created:
        audit.record(
            "mediation.alert",
            obj=alert,
            division_code=alert.division_id,
            new={"kind": kind, **detail},
            actor_label="early-warning",
        )
    else:
        alert.detail, alert.case = detail, case
        alert.save(update_fields=["detail", "case"])
    return alert


def _party_filter(party: Party) -> Q:
    if party.person_id:
        return Q(parties__person_id=party.person_id)
    if party.company:
        return Q(parties__company__iexact=party.company)
    return Q(parties__name__iexact=party.name, parties__person__isnull=True)


def repeat_parties(case: Case, p: Policy, now: datetime.datetime) -> list[Alert]:
    since = now - datetime.timedelta(days=p.repeat_party_days)
    out = []
    for party in case.parties.filter(role=PartyRole.RESPONDENT):
        if not (party.kind in ("merchant", "company") or party.landlord):
            continue
        n = (
            Case.objects.filter(_party_filter(party), created_at__gte=since, parties__role=PartyRole.RESPONDENT)
            .distinct()
            .count()
        )
        if n >= p.repeat_party_cases:
            detail = {
                "party": str(party),
                "cases": n,
                "days": p.repeat_party_days,
                "landlord": party.landlord,
            }
            key = f"repeat:{party.key}:{now.date().isoformat()}"
            out.append(_raise(AlertKind.REPEAT_PARTY, key[:120], case, str(party), detail, now))
    return out


def category_spike(case: Case, p: Policy, now: datetime.datetime) -> Alert | None:
    town = case.division_id[:9]
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - datetime.timedelta(days=p.spike_trailing_days)
    same = Case.objects.filter(division__code__startswith=town, category=case.category)
    today_n = same.filter(created_at__gte=today, created_at__lte=now).count()
    trailing = same.filter(created_at__gte=start, created_at__lt=today).count()
    mean = trailing / p.spike_trailing_days
    if today_n >= p.spike_min_cases and today_n >= p.spike_factor * mean:
        detail = {
            "category": case.category,
            "today": today_n,
            "trailing_mean": round(mean, 2),
            "factor": p.spike_factor,
        }
        key = f"spike:{town}:{case.category}:{today.date().isoformat()}"
        return _raise(AlertKind.CATEGORY_SPIKE, key, case, f"{town} {case.category}", detail, now)
    return None


def wage_group(case: Case, p: Policy, now: datetime.datetime) -> Alert | None:
    if case.category != Category.WAGES:
        return None
    respondents: list[Party | None] = list(case.parties.filter(role=PartyRole.RESPONDENT))
    since = now - datetime.timedelta(days=p.repeat_party_days)
    for party in respondents or [None]:
        qs = Case.objects.filter(category=Category.WAGES, created_at__gte=since)
        qs = qs.filter(_party_filter(party)).distinct() if party else qs.filter(pk=case.pk)
        claimants = Case.objects.filter(pk__in=qs.values("pk")).aggregate(n=Sum("claimants"))["n"] or 0
        if claimants >= p.wage_group_claimants:
            subject = str(party) if party else case.code
            detail = {"claimants": claimants, "cases": qs.count(), "employer": subject}
            key = f"wages:{party.key if party else case.code}:{now.date().isoformat()}"
            return _raise(AlertKind.WAGE_GROUP, key[:120], case, subject, detail, now)
    return None


def check_case(case: Case, p: Policy, now: datetime.datetime) -> list[Alert]:
    out = repeat_parties(case, p, now)
    for alert in (category_spike(case, p, now), wage_group(case, p, now)):
        if alert is not None:
            out.append(alert)
    return out
