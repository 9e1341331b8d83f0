"""What a residence permit unlocks (Interim Regulations arts. 12–13), as data, and the entitlement check.

Each entry: code, kind (service | convenience), label, legal basis, and extra requirements beyond a
permit valid today (`min_residence_years`: years on the permit's residence counter, which restarts on a
late endorsement; `route`: where the holder goes). The check answers "is person X entitled to Y today,
and why or why not" with the facts it used.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise


@dataclass(frozen=True)
class Entitlement:
    code: str
    kind: str  # service | convenience
    label: Text
    basis: str
    min_residence_years: int = 0
    route: Text = ""


CATALOGUE: tuple[Entitlement, ...] = (
    Entitlement(
        "compulsory_education",
        "service",
        _("Compulsory education"),
        "art. 12(1)",
        route=_("School places through the points scheme (积分入学)."),
    ),
    Entitlement("employment_services", "service", _("Basic public employment services"), "art. 12(2)"),
    Entitlement("public_health", "service", _("Basic public health and family-planning services"), "art. 12(3)"),
    Entitlement("culture_sport", "service", _("Public culture and sport services"), "art. 12(4)"),
    Entitlement("legal_aid", "service", _("Legal aid and other legal services"), "art. 12(5)"),
    Entitlement("other_services", "service", _("Other public services set by the city"), "art. 12(6)"),
    Entitlement(
        "exit_entry",
        "convenience",
        _("Exit-entry documents (passport, permits) issued locally"),
        "art. 13(1)",
    ),
    Entitlement("id_card", "convenience", _("Resident identity card renewed or replaced locally"), "art. 13(2)"),
    Entitlement("vehicle_registration", "convenience", _("Motor vehicle registration"), "art. 13(3)"),
    Entitlement("driving_licence", "convenience", _("Driving licence applied for locally"), "art. 13(4)"),
    Entitlement(
        "qualification_exams",
        "convenience",
        _("Professional qualification exams and certificates"),
        "art. 13(5)",
    ),
    Entitlement("birth_registration", "convenience", _("Birth registration (生育服务登记)"), "art. 13(6)"),
    Entitlement("other_conveniences", "convenience", _("Other conveniences set by the city"), "art. 13(7)"),
)
BY_CODE = {e.code: e for e in CATALOGUE}


@dataclass(frozen=True)
class EntitlementCheck:
    code: str
    label: Text
    entitled: bool
    reasons: tuple[Text, ...]
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.code,
            "label": str(self.label),
            "entitled": self.entitled,
            "reasons": [str(r) for r in self.reasons],
            "facts": self.facts,
        }


def check(entitlement: Entitlement, permit: Any, today: datetime.date) -> EntitlementCheck:
    """`permit` is the person's live `Permit` or None."""
    facts: dict[str, Any] = {"today": today.isoformat()}
    reasons: list[Text] = []
    if permit is None:
        return EntitlementCheck(
            entitlement.code,
            entitlement.label,
            False,
            (_("No residence permit in force: apply for one first."),),
            facts,
        )
    facts.update(
        permit=permit.number,
        permit_status=permit.status,
        endorse_by=permit.valid_until.isoformat(),
        residence_years_since=permit.residence_years_since.isoformat(),
    )
    entitled = permit.is_valid_on(today)
    if entitled:
        reasons.append(
            _("Residence permit {number} is valid until {day}.").format(
                number=permit.number, day=permit.valid_until.isoformat()
            )
        )
    elif permit.status == "suspended":
        reasons.append(
            _(
                "Residence permit {number} is suspended: the annual endorsement was missed. "
                "Endorse it to restore these services."
            ).format(number=permit.number)
        )
    else:
        reasons.append(
            _("Residence permit {number} is not valid today ({status}).").format(
                number=permit.number, status=permit.get_status_display()
            )
        )
    if entitlement.min_residence_years:
        years = permit.residence_years(today)
        facts["residence_years"] = years
        if years < entitlement.min_residence_years:
            entitled = False
            reasons.append(
                _("Needs {n} residence years on the permit; {years} so far.").format(
                    n=entitlement.min_residence_years, years=years
                )
            )
    if entitled and entitlement.route:
        reasons.append(entitlement.route)
    return EntitlementCheck(entitlement.code, entitlement.label, entitled, tuple(reasons), facts)
