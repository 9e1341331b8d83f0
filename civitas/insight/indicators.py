"""The indicator registry: every platform indicator defined once (code, name, unit, direction, query).

An indicator is ``scale × numerator / denominator`` per unit (township or community) and per month. The
numerator and denominator are :class:`Tally` objects: one grouped SQL query each (``Count``/``Sum`` grouped
by ``Substr(division_code, 1, 9|12)`` and ``TruncMonth``). A tally without a date field is a stock (rooms,
residents, landlords counted now) and divides every month alike.

Indicators that read another app's models name that app's model in their tallies; an indicator whose
models are not installed is simply unavailable (``available()``), so the registry works while those apps
are still being built.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils.translation import gettext_lazy as _

UNIT = "unit"
MONTH = "month"


@dataclass(frozen=True)
class Extract:
    """What to extract: units at ``level`` (9 or 12 digits) under ``scope``, months ``start``..``end``."""

    level: int
    scope: str
    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        return month_range(self.start, self.end)

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [first instant of ``start``, first instant after ``end``) in local time."""
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        after = next_month(self.end)
        return (
            datetime.datetime(self.start.year, self.start.month, 1, tzinfo=tz),
            datetime.datetime(after.year, after.month, 1, tzinfo=tz),
        )


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_range(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = next_month(current)
    return months


@dataclass(frozen=True)
class Tally:
    """A grouped count (or sum) of a model's rows per unit, and per month when ``date_field`` is set."""

    model: str
    division_field: str
    date_field: str | None = None
    where: Q | Callable[[], Q] = field(default_factory=Q)  # a callable is evaluated per query (e.g. this year)
    value: Callable[[], Any] = lambda: Count("pk")

    def model_class(self) -> Any:
        return apps.get_model(self.model)

    def available(self) -> bool:
        """The model exists and the query builds (every field it names exists); no database access."""
        try:
            model = self.model_class()
        except LookupError:
            return False
        if not all(_field_exists(model, path) for path in filter(None, [self.division_field, self.date_field])):
            return False
        today = datetime.date.today()
        try:
            str(self.queryset(Extract(9, "3", today, today)).query)
        except (FieldError, FieldDoesNotExist, TypeError, ValueError):
            return False
        return True

    def rows(self, extract: Extract) -> QuerySet:
        """The records this tally counts, before grouping (also what a drill-down lists)."""
        qs = self.model_class()._default_manager.filter(self.where() if callable(self.where) else self.where)
        qs = qs.filter(**{f"{self.division_field}__startswith": extract.scope})
        if self.date_field:
            first, after = extract.window()
            qs = qs.filter(**{f"{self.date_field}__gte": first, f"{self.date_field}__lt": after})
        return qs

    def queryset(self, extract: Extract) -> QuerySet:
        """The grouped SQL: ``unit`` (and ``month``) and ``n``."""
        qs = self.rows(extract).annotate(**{UNIT: Substr(self.division_field, 1, extract.level)})
        keys = [UNIT]
        if self.date_field:
            # yyyymm in local time as one integer: cheap to group and to read back (no datetime per row)
            qs = qs.annotate(**{MONTH: ExtractYear(self.date_field) * 100 + ExtractMonth(self.date_field)})
            keys.append(MONTH)
        return qs.order_by().values(*keys).annotate(n=self.value()).values_list(*keys, "n")

    def series(self, extract: Extract) -> pd.Series:
        """Values indexed by unit (stock) or by (unit, month) (flow); months as first-of-month dates."""
        columns = [UNIT, MONTH, "n"] if self.date_field else [UNIT, "n"]
        frame = pd.DataFrame.from_records(list(self.queryset(extract)), columns=columns)
        frame["n"] = frame["n"].map(_as_number).astype(float).fillna(0.0)
        if not self.date_field:
            return frame.set_index(UNIT)["n"]
        lookup = {month.year * 100 + month.month: month for month in extract.months}
        frame[MONTH] = frame[MONTH].astype(int).map(lookup)
        return frame.dropna(subset=[MONTH]).set_index([UNIT, MONTH])["n"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any
    unit: Any
    direction: int
    numerator: tuple[tuple[int, Tally], ...]
    denominator: Tally | None = None
    scale: float = 1.0
    group: str = ""
    description: Any = ""
    levels: tuple[int, ...] | None = None  # unit code lengths it is meaningful for (None = any)

    def available(self) -> bool:
        tallies = [tally for _, tally in self.numerator] + ([self.denominator] if self.denominator else [])
        return all(tally.available() for tally in tallies)

    @property
    def record_tally(self) -> Tally:
        """The tally whose rows a drill-down shows: the first (positive) numerator term."""
        return self.numerator[0][1]

    def tallies(self) -> list[Tally]:
        """The distinct grouped queries this indicator runs."""
        found = [tally for _, tally in self.numerator] + ([self.denominator] if self.denominator else [])
        return list(dict.fromkeys(found))


@dataclass
class Extraction:
    """Numerators and denominators per unit and month of one indicator, and the values they give."""

    indicator: Indicator
    units: list[str]
    months: list[datetime.date]
    numerator: pd.DataFrame  # units x months
    denominator: pd.DataFrame | None  # units x months (a stock repeated), None = no denominator

    def period_values(self) -> tuple[pd.Series, dict[str, str]]:
        """One value per unit for the whole period, and the reason for every unit without one."""
        stock_numerator = all(not tally.date_field for _, tally in self.indicator.numerator)
        num = self.numerator.iloc[:, -1] if stock_numerator else self.numerator.sum(axis=1)
        if self.denominator is None:
            return num * self.indicator.scale, {}
        stock = not self.indicator.denominator or not self.indicator.denominator.date_field
        den = self.denominator.iloc[:, -1] if stock else self.denominator.sum(axis=1)
        values = (num / den.where(den != 0)) * self.indicator.scale
        reasons = {unit: str(_("the denominator is zero (nothing to measure against)")) for unit in den.index[den == 0]}
        return values, reasons

    def monthly_values(self) -> pd.DataFrame:
        if self.denominator is None:
            return self.numerator * self.indicator.scale
        return self.numerator / self.denominator.where(self.denominator != 0) * self.indicator.scale


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator | None:
    return REGISTRY.get(code)


def available() -> list[Indicator]:
    return [indicator for indicator in REGISTRY.values() if indicator.available()]


def extract(indicator: Indicator, extraction: Extract, units: Iterable[str]) -> Extraction:
    """Run the indicator's grouped queries and arrange them as units × months tables."""
    unit_list, months = list(units), extraction.months
    tables: dict[Tally, pd.DataFrame] = {}  # a tally used twice (numerator and denominator) runs once

    def table(tally: Tally) -> pd.DataFrame:
        if tally not in tables:
            tables[tally] = _table(tally, extraction, unit_list, months)
        return tables[tally]

    numerator = pd.DataFrame(0.0, index=unit_list, columns=months)
    for sign, tally in indicator.numerator:
        numerator = numerator + sign * table(tally)
    denominator = table(indicator.denominator) if indicator.denominator is not None else None
    return Extraction(indicator, unit_list, months, numerator, denominator)


def _table(tally: Tally, extraction: Extract, units: list[str], months: list[datetime.date]) -> pd.DataFrame:
    series = tally.series(extraction)
    if not tally.date_field:
        stock = series.reindex(units).fillna(0.0).to_numpy()
        return pd.DataFrame(np.repeat(stock[:, np.newaxis], len(months), axis=1), index=units, columns=months)
    if series.empty:
        return pd.DataFrame(0.0, index=units, columns=months)
    return series.unstack(MONTH).reindex(index=units, columns=months).fillna(0.0)


def _as_number(value: Any) -> float:
    """Counts, sums and summed durations (in days) as floats."""
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 86400
    return float(value or 0)


def _field_exists(model: Any, path: str) -> bool:
    for part in path.split("__"):
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        model = found.related_model if found.is_relation else None
        if model is None:
            return part == path.split("__")[-1]
    return True


# -- the platform's indicators ------------------------------------------------------------------------------

EVENT = "core.DomainEvent"
ROOM = "places.Room"
PERSON = "people.Person"
PROPERTY = "places.RentalProperty"


def events(*kinds: str, **payload: Any) -> Tally:
    """Domain events of ``kinds`` per month, by the event's division code; payload filters as ``foreign=True``."""
    where = Q(kind__in=kinds) & Q(**{f"payload__{key}": value for key, value in payload.items()})
    return Tally(EVENT, "division_code", "occurred_at", where)


def credit_events(*rules: str) -> Tally:
    """Events of any app that carry a credit instruction with one of ``rules`` (see contracts.md)."""
    return Tally(EVENT, "division_code", "occurred_at", Q(payload__credit__rule__in=tuple(rules)))


LEDGER = "credit.LedgerEntry"


def ledger(*rules: str) -> Tally:
    """Landlord-scheme credit ledger entries of ``rules`` (applications, not reversals), by entry date."""
    where = Q(rule__code__in=tuple(rules), kind="rule", subject_type="landlord", scheme__code="landlord-12")
    return Tally(LEDGER, "division_code", "occurred_on", where)


RENTED_ROOMS = Tally(ROOM, "property__division__code", where=Q(property__status="active"))
RESIDENTS = Tally(PERSON, "division__code")
LANDLORDS = Tally(PROPERTY, "division__code", where=Q(status="active"), value=lambda: Count("landlord", distinct=True))
VERIFIED = events("residence.declaration_verified")

# Residence declarations are read directly (guarded: unavailable until the residence app has them). Lateness
# is a fact of the declaration (``days_late``, set when its rules are checked); one declaration counts once,
# however many people it registers, and a late declaration still awaiting review counts as late.
DECLARATION = "residence.Declaration"
DECIDED = Q(status__in=["verified", "approved", "corrected", "rejected", "checked_out", "superseded"])
CHECKED = ~Q(status__in=["submitted", "landlord_confirmed", "rejected"])
CHECKED_DECLARATIONS = Tally(DECLARATION, "division__code", "declared_at", CHECKED)
LATE_DECLARATIONS = Tally(DECLARATION, "division__code", "declared_at", CHECKED & Q(days_late__gt=0))

register(
    Indicator(
        "RES_ON_TIME",
        _("Declarations on time"),
        # xgettext:no-python-format
        _("% of declarations"),
        1,
        ((1, Tally(DECLARATION, "division__code", "declared_at", CHECKED & Q(days_late=0))),),
        CHECKED_DECLARATIONS,
        100.0,
        "population",
        _("Declarations filed within the time allowed after arrival, over declarations whose rules were checked."),
    )
)
register(
    Indicator(
        "RES_FOREIGN_24H",
        _("Foreign residents registered within 24 hours"),
        # xgettext:no-python-format
        _("% of foreign declarations"),
        1,
        ((1, Tally(DECLARATION, "division__code", "declared_at", CHECKED & Q(foreign=True, days_late=0))),),
        Tally(DECLARATION, "division__code", "declared_at", CHECKED & Q(foreign=True)),
        100.0,
        "population",
    )
)
register(
    Indicator(
        "RES_DECLARED_ROOMS",
        _("Verified declarations per 100 rented rooms"),
        _("per 100 rooms"),
        1,
        ((1, VERIFIED),),
        RENTED_ROOMS,
        100.0,
        "grid",
    )
)
register(
    Indicator(
        "RES_OVER_CAPACITY",
        _("Group-renting findings per 1,000 rented rooms"),
        _("per 1,000 rooms"),
        -1,
        ((1, events("residence.over_capacity")),),
        RENTED_ROOMS,
        1000.0,
        "rental_safety",
    )
)
register(
    Indicator(
        "RES_CHECKOUT_REPORTED",
        _("Move-outs reported per 100 verified declarations"),
        _("per 100 declarations"),
        1,
        ((1, events("residence.checked_out")),),
        VERIFIED,
        100.0,
        "landlord_self",
    )
)
register(
    Indicator(
        "INS_HAZARDS",
        _("Hazards confirmed per 1,000 rented rooms"),
        _("per 1,000 rooms"),
        -1,
        ((1, events("inspections.hazard_confirmed")),),
        RENTED_ROOMS,
        1000.0,
        "rental_safety",
    )
)
register(
    Indicator(
        "INS_HAZARDS_CLOSED",
        _("Hazards closed per hazard confirmed"),
        _("%"),
        1,
        ((1, events("inspections.hazard_closed")),),
        events("inspections.hazard_confirmed"),
        100.0,
        "enforcement",
    )
)
register(
    Indicator(
        "MED_BREACHES",
        _("Mediation agreements breached per 10,000 residents"),
        _("per 10,000 residents"),
        -1,
        ((1, events("mediation.agreement_breached")),),
        RESIDENTS,
        10000.0,
        "disputes",
    )
)
register(
    Indicator(
        "CRD_CONSEQUENCES",
        _("Credit consequences started per 100 landlords"),
        _("per 100 landlords"),
        -1,
        ((1, events("credit.consequence_started")),),
        LANDLORDS,
        100.0,
        "credit",
    )
)
register(
    Indicator(
        "LND_SELF_INSPECTION",
        _("Clean self-inspections per 100 landlords"),
        _("per 100 landlords"),
        1,
        ((1, ledger("self_inspection_clean")),),
        LANDLORDS,
        100.0,
        "landlord_self",
    )
)
register(
    Indicator(
        "LND_HELPING",
        _("Landlords' help to the community per 100 landlords"),
        _("per 100 landlords"),
        1,
        ((1, ledger("helping_out", "fraud_stopped")),),
        LANDLORDS,
        100.0,
        "participation",
    )
)
register(
    Indicator(
        "LND_SMART_ACCESS",
        _("Smart access control installed per 100 landlords"),
        _("per 100 landlords"),
        1,
        ((1, ledger("smart_access")),),
        LANDLORDS,
        100.0,
        "digital",
    )
)

register(
    Indicator(
        "RES_AUTO_VERIFIED",
        _("Declarations verified automatically"),
        # xgettext:no-python-format
        _("% of decided declarations"),
        1,
        (
            (
                1,
                Tally(
                    DECLARATION,
                    "division__code",
                    "declared_at",
                    Q(status__in=["verified", "checked_out"]) & Q(decided_by__isnull=True),
                ),
            ),
        ),
        Tally(DECLARATION, "division__code", "declared_at", DECIDED),
        100.0,
        "digital",
    )
)
register(
    Indicator(
        "RES_SELF_DECLARED",
        _("Declarations filed by tenants with the landlord code"),
        # xgettext:no-python-format
        _("% of declarations"),
        1,
        ((1, Tally(DECLARATION, "division__code", "declared_at", Q(source="tenant_qr"))),),
        Tally(DECLARATION, "division__code", "declared_at"),
        100.0,
        "online",
    )
)


# Landlords below a points threshold this year (credit balances; a stock).
LOW_POINTS = 9


def _low_balances() -> Q:
    return Q(
        subject_type="landlord", scheme__code="landlord-12", cycle=datetime.date.today().year, points__lt=LOW_POINTS
    )


register(
    Indicator(
        "CRD_LOW_LANDLORDS",
        _("Landlords below 9 of 12 credit points per 100 landlords"),
        _("per 100 landlords"),
        -1,
        ((1, Tally("credit.Balance", "division_code", where=_low_balances)),),
        LANDLORDS,
        100.0,
        "credit",
    )
)

# Residence permits among the residents eligible for one (a stock over a stock): Chinese citizens from outside
# Zhejiang living in a verified residence that began at least six months ago (the permit's residence condition,
# counted on the current residence alone; the permits app decides each application on the full history).
PERMIT_RESIDENCE_DAYS = 183


def _eligible_for_a_permit() -> Q:
    since = datetime.date.today() - datetime.timedelta(days=PERMIT_RESIDENCE_DAYS)
    return Q(end__isnull=True, cancelled=False, confirmed=True, start__lte=since, person__nationality="CHN") & ~Q(
        person__hometown_province="33"
    )


register(
    Indicator(
        "PRM_COVERAGE",
        _("Residence permits per 100 residents eligible for one"),
        _("per 100 residents"),
        1,
        ((1, Tally("permits.Permit", "division__code", where=Q(status__in=("valid", "suspended")))),),
        Tally(
            "residence.Residency",
            "division__code",
            where=_eligible_for_a_permit,
            value=lambda: Count("person", distinct=True),
        ),
        100.0,
        "population",
        _(
            "Valid or suspended permits over Chinese residents from outside Zhejiang whose verified residence "
            "began at least six months ago."
        ),
    )
)

# Online services decided within their legal time limit (working days), by decision month.
SERVICE_DECIDED = Q(status__in=("approved", "refused"))
register(
    Indicator(
        "SRV_ON_TIME",
        _("Online services decided within the legal time"),
        # xgettext:no-python-format
        _("% of decided applications"),
        1,
        (
            (
                1,
                Tally(
                    "services.Application",
                    "division_code",
                    "decided_at",
                    SERVICE_DECIDED & Q(processing_days__lte=F("service__time_limit_days")),
                ),
            ),
        ),
        Tally("services.Application", "division_code", "decided_at", SERVICE_DECIDED),
        100.0,
        "online",
    )
)

# Disputes: settled by agreement among cases closed, and days from filing to settlement.
CLOSED_CASE = Q(status__in=("settled", "referred", "closed"))
SETTLED = Tally("mediation.Case", "division__code", "closed_at", Q(status="settled"))


def _days_open() -> Any:
    return Sum(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()))


register(
    Indicator(
        "MED_SETTLED",
        _("Disputes settled by agreement"),
        # xgettext:no-python-format
        _("% of closed cases"),
        1,
        ((1, SETTLED),),
        Tally("mediation.Case", "division__code", "closed_at", CLOSED_CASE),
        100.0,
        "disputes",
    )
)
register(
    Indicator(
        "MED_DAYS_TO_SETTLE",
        _("Days from filing to settlement"),
        _("days"),
        -1,
        ((1, Tally("mediation.Case", "division__code", "closed_at", Q(status="settled"), value=_days_open)),),
        SETTLED,
        1.0,
        "disputes",
    )
)

# Hazards fixed by their rectification deadline, among hazards given one (by the month found).
HAZARD_WITH_DEADLINE = Q(deadline__isnull=False) & ~Q(status="annulled")
register(
    Indicator(
        "INS_CLOSED_ON_TIME",
        _("Hazards put right by their deadline"),
        # xgettext:no-python-format
        _("% of hazards with a deadline"),
        1,
        ((1, Tally("inspections.Hazard", "division__code", "found_at", HAZARD_WITH_DEADLINE & Q(fixed_on_time=True))),),
        Tally("inspections.Hazard", "division__code", "found_at", HAZARD_WITH_DEADLINE),
        100.0,
        "enforcement",
    )
)


# Grade-1 school places against the six-year-olds living in the township (schools belong to townships).
def _six_year_olds() -> Q:
    year = datetime.date.today().year
    return Q(birth_date__gt=datetime.date(year - 7, 8, 31), birth_date__lte=datetime.date(year - 6, 8, 31))


register(
    Indicator(
        "SCH_PLACES",
        _("Grade-1 school places per 100 six-year-olds"),
        _("places per 100 children"),
        1,
        ((1, Tally("permits.School", "township__code", value=lambda: Sum("grade1_places"))),),
        Tally(PERSON, "division__code", where=_six_year_olds),
        100.0,
        "population",
        _("Places in the township's schools this year over children of six living there on 31 August."),
        levels=(9,),
    )
)
