import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.core.models import DomainEvent
from civitas.residence import actions
from civitas.residence.choices import Decision, DeclarationStatus
from civitas.residence.history import residence_periods, residents_on
from civitas.residence.models import Declaration, Residency
from civitas.residence.tests.builders import chinese, declare, rooms

pytestmark = pytest.mark.django_db


def test_a_tenant_submission_waits_for_the_landlord_and_confirmation_verifies_it(personas):
    decl = declare(rooms(personas)[0])
    assert decl.status == DeclarationStatus.SUBMITTED
    assert decl.results.filter(current=True, passed=True).count() == 6
    actions.do_confirm_declaration(decl, acting_user=personas["landlord"])
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.VERIFIED
    person = decl.members.get().person
    assert person.division_id == personas["g1"].code
    ev = DomainEvent.objects.get(kind="residence.declaration_verified")
    assert ev.subject_type == "person" and ev.subject_id == str(person.pk)
    assert ev.payload["move_in"] == decl.move_in.isoformat() and ev.division_code == personas["g1"].code


def test_a_retry_with_the_same_key_or_same_person_room_and_date_creates_no_duplicate(personas):
    room = rooms(personas)[0]
    tenant = chinese()
    first = declare(room, tenant, idempotency_key="k-1")
    assert declare(room, tenant, idempotency_key="k-1").pk == first.pk
    assert declare(room, tenant).pk == first.pk
    assert Declaration.objects.count() == 1 and Residency.objects.count() == 1


def test_keys_stored_before_the_upgrade_move_into_their_client_s_namespace_and_still_replay(personas):
    import importlib

    from django.apps import apps

    room = rooms(personas)[0]
    tenant = chinese()
    by_tenant = declare(room, tenant, idempotency_key="qr-key")
    by_landlord = declare(rooms(personas)[1], chinese(), idempotency_key="pms-7", acting_user=personas["landlord"])
    Declaration.objects.filter(pk=by_tenant.pk).update(idempotency_key="qr-key")  # as 0003 stored them
    Declaration.objects.filter(pk=by_landlord.pk).update(idempotency_key="pms-7")
    migration = importlib.import_module("civitas.residence.migrations.0004_idempotency_key_per_client")
    migration.scope_keys(apps, None)
    assert Declaration.objects.get(pk=by_tenant.pk).idempotency_key == "-/qr-key"
    assert Declaration.objects.get(pk=by_landlord.pk).idempotency_key == f"{personas['landlord'].pk}/pms-7"
    assert declare(room, tenant, idempotency_key="qr-key").pk == by_tenant.pk
    migration.unscope_keys(apps, None)
    assert Declaration.objects.get(pk=by_landlord.pk).idempotency_key == "pms-7"


def test_a_landlord_declaration_on_behalf_is_verified_at_once(personas):
    decl = declare(rooms(personas)[0], source="landlord", acting_user=personas["landlord"])
    assert decl.status == DeclarationStatus.VERIFIED


def test_a_child_alone_is_refused_and_a_family_is_declared_together(personas):
    child = chinese("刘小明", birth=timezone.localdate() - datetime.timedelta(days=365 * 8))
    with pytest.raises(ValidationError) as err:
        declare(rooms(personas)[0], child)
    assert "members" in err.value.message_dict
    child = chinese("刘小明", birth=timezone.localdate() - datetime.timedelta(days=365 * 8))
    decl = declare(
        rooms(personas)[0],
        chinese(),
        chinese("王芳", female=True),
        child,
        relations=["self", "spouse", "child"],
        source="landlord",
        acting_user=personas["landlord"],
    )
    assert decl.members.count() == 3
    assert decl.status == DeclarationStatus.VERIFIED  # a family of two adults and a child fits a 14 m² 2-bed room
    assert Residency.objects.filter(declaration=decl, counted=False).count() == 1


def test_check_out_ends_the_residency_and_history_shows_the_period(personas):
    decl = declare(
        rooms(personas)[0],
        source="landlord",
        acting_user=personas["landlord"],
        move_in=timezone.localdate() - datetime.timedelta(days=2),
    )
    pid = decl.members.get().person_id
    actions.do_check_out(decl, timezone.localdate(), acting_user=personas["landlord"])
    periods = residence_periods(pid)
    assert len(periods) == 1 and periods[0].end == timezone.localdate() and periods[0].verified
    assert periods[0].division_code == personas["g1"].code and periods[0].purpose == "work"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert list(residents_on("330782001", yesterday).values_list("pk", flat=True)) == [pid]
    assert not residents_on("330782001", timezone.localdate()).exists()
    assert not residents_on("330782100", yesterday).exists()
    assert DomainEvent.objects.filter(kind="residence.checked_out", subject_id=str(pid)).count() == 1


def test_a_change_of_room_supersedes_the_old_declaration(personas):
    r1, r2 = rooms(personas)[:2]
    decl = declare(
        r1,
        source="landlord",
        acting_user=personas["landlord"],
        move_in=timezone.localdate() - datetime.timedelta(days=3),
    )
    new = actions.do_change_room(decl, r2.pk, timezone.localdate(), acting_user=personas["landlord"], source="landlord")
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.SUPERSEDED and decl.move_out == timezone.localdate()
    assert new.status == DeclarationStatus.VERIFIED and new.supersedes_id == decl.pk
    periods = residence_periods(new.members.get().person_id)
    assert [(p.room_id, p.end) for p in periods] == [(r1.pk, timezone.localdate()), (r2.pk, None)]


def test_the_landlord_rejects_with_a_reason_and_the_residency_is_cancelled(personas):
    decl = declare(rooms(personas)[0])
    with pytest.raises(ValidationError):
        actions.do_landlord_reject(decl, " ", acting_user=personas["landlord"])
    actions.do_landlord_reject(decl, "不住这里", acting_user=personas["landlord"])
    decl.refresh_from_db()
    assert decl.status == DeclarationStatus.REJECTED
    assert not Residency.objects.current().exists()
    ev = DomainEvent.objects.get(kind="residence.declaration_rejected")
    assert "credit" not in ev.payload


def test_an_officer_rejection_of_a_landlord_confirmed_declaration_costs_the_landlord(personas):
    late = timezone.localdate() - datetime.timedelta(days=10)
    decl = declare(rooms(personas)[0], move_in=late, source="landlord", acting_user=personas["landlord"])
    assert decl.status == DeclarationStatus.FLAGGED
    late_ev = DomainEvent.objects.get(kind="residence.declaration_late")
    actions.do_decide(decl, Decision.REJECT, note="虚假信息", acting_user=personas["police"])
    rejected = DomainEvent.objects.get(kind="residence.declaration_rejected")
    assert rejected.payload["credit"]["rule"] == "false_information"
    withdrawn = DomainEvent.objects.get(kind="residence.finding_withdrawn")
    assert withdrawn.payload["credit_reverse_event"] == late_ev.pk
