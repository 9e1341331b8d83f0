"""Rules as data: changed without a deploy, validated, audited; insurance periods imported from CSV."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from civitas.core.models import AuditEvent
from civitas.permits import actions
from civitas.permits.models import InsurancePeriod
from civitas.permits.rules import current_policy
from civitas.testing.factories import person, resident_id

D = datetime.date


def test_a_shorter_processing_time_applies_to_the_next_acceptance(resident: Any, personas: Any, today: Any) -> None:
    call_command("permits_rules", "--set", '{"processing_days": 10}')
    assert current_policy().processing_days == 10
    assert AuditEvent.objects.filter(action="permits.rules_changed").exists()
    today(D(2026, 6, 1))
    app = actions.do_accept(actions.do_apply(resident, acting_user=None), acting_user=personas["police"])
    assert app.due_on == D(2026, 6, 11)


def test_rules_that_break_the_thirty_day_limit_or_have_typos_are_refused(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("permits_rules", "--set", '{"processing_days": 31}')
    with pytest.raises(CommandError, match="gap_days"):
        call_command("permits_rules", "--set", '{"eligibility": {"gap_days": 3}}')
    assert current_policy().processing_days == 15


def test_a_stricter_gap_tolerance_changes_eligibility(personas: Any, residence: Any) -> None:
    from civitas.permits.eligibility import Period

    p = person("钱某", division=personas["g1"])
    residence[p.pk] = [
        Period(D(2025, 1, 1), D(2025, 6, 1), purpose="work", employer="X"),
        Period(D(2025, 6, 21), None, purpose="work", employer="X"),
    ]
    assert actions.check_eligibility(p, D(2025, 10, 1)).eligible
    call_command("permits_rules", "--set", '{"eligibility": {"gap_tolerance_days": 10}}')
    assert not actions.check_eligibility(p, D(2025, 10, 1)).eligible


def test_insurance_periods_are_imported_and_bad_lines_reported(personas: Any, tmp_path: Path) -> None:
    number = resident_id(D(1988, 8, 8))
    p = person("孙某", division=personas["g1"], doc_number=number)
    csv = tmp_path / "insurance.csv"
    csv.write_text(
        "document,type,from,to,in_yiwu\n"
        f"{number},pension,2020-01,,1\n"
        f"{number},medical,2020-13,,1\n"
        "110105194912310021,pension,2020-01,,1\n",
        encoding="utf-8",
    )
    call_command("permits_import_insurance", str(csv))
    rows = list(InsurancePeriod.objects.filter(person=p))
    assert [(r.type, r.from_month, r.source) for r in rows] == [("pension", "2020-01", "imported")]
