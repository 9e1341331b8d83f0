"""Demo data: every synthetic tenant's declaration history.

Tenants sharing a room are mostly one household (a couple, relatives) declared together. Most current
residences are bulk-written as they would stand after the actions ran (verified, rules passed, tenancy
confirmed), some with an earlier, checked-out period; a sample, every room over its legal capacity and
the demo landlord's rooms go through the real actions, so the demo has late, flagged, over-capacity and
foreign declarations with their events, and the demo landlord has declarations waiting.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import transaction

from civitas.documents.errors import LOCAL_TZ
from civitas.synthetic.context import SeedContext

ACTION_SAMPLE = 25  # households declared through the actions besides some crowded rooms and the demo landlord's
CROWDED_SAMPLE = 6  # crowded rooms declared through the actions (the rest are written as the rules decide)
PENDING_FOR_DEMO_LANDLORD = 4
DEMO_LANDLORD_HOUSEHOLDS = 8  # the demo landlord's households declared through the actions
HOUSEHOLD_SHARE = 0.8  # rooms shared by several tenants that hold one household
PURPOSES = (("work", 70), ("business", 18), ("study", 4), ("family", 8))


def _at(day: datetime.date, rng: Any) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.randint(8, 21), rng.randint(0, 59)), tzinfo=LOCAL_TZ)


def _purpose(rng: Any) -> str:
    return rng.choices([p for p, _ in PURPOSES], weights=[w for _, w in PURPOSES])[0]


def _capacity(room: Any, *, one_family: bool) -> int:
    cap = min(room["beds"], int(room["area_m2"] // 6))
    return cap if one_family else min(cap, 2)


def populate(ctx: SeedContext) -> None:
    if ctx.large:
        _history_sql(ctx)
        return
    if not ctx.tenant_rooms:
        return
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User
    from civitas.people.models import Person
    from civitas.places.models import Room

    rng = ctx.rng
    rooms = {
        r["id"]: r
        for r in Room.objects.filter(pk__in=set(ctx.tenant_rooms.values())).values(
            "id", "property_id", "property__division_id", "property__landlord_id", "beds", "area_m2"
        )
    }
    by_room: dict[int, list[int]] = defaultdict(list)
    for pid, rid in sorted(ctx.tenant_rooms.items()):
        by_room[rid].append(pid)
    households: list[tuple[int, list[int]]] = []  # (room, people declared together)
    crowded: set[int] = set()
    for rid, pids in sorted(by_room.items()):
        family = len(pids) > 1 and rng.random() < HOUSEHOLD_SHARE
        households += [(rid, pids)] if family else [(rid, [p]) for p in pids]
        if len(pids) > _capacity(rooms[rid], one_family=family):
            crowded.add(rid)
    demo_landlord = ctx.landlord_ids[0] if ctx.landlord_ids else None
    crowded_sample = set(rng.sample(sorted(crowded), min(CROWDED_SAMPLE, len(crowded))))
    demo = [i for i, (rid, _) in enumerate(households) if rooms[rid]["property__landlord_id"] == demo_landlord]
    special = set(demo[:DEMO_LANDLORD_HOUSEHOLDS]) | {
        i for i, (rid, _) in enumerate(households) if rid in crowded_sample
    }
    ordinary = [i for i in range(len(households)) if i not in special]
    foreign = set(ctx.foreigner_ids)
    sample = set(rng.sample(ordinary, min(ACTION_SAMPLE, len(ordinary))))
    foreign_households = [i for i in ordinary if foreign & set(households[i][1])]
    sample |= set(rng.sample(foreign_households, min(8, len(foreign_households))))
    people = {
        p["id"]: p for p in Person.objects.filter(pk__in=list(ctx.tenant_rooms)).values("id", "nationality", "employer")
    }
    landlord_users = {u.person_id: u for u in User.objects.filter(role=Role.LANDLORD) if u.person_id}
    _bulk_history(ctx, [households[i] for i in ordinary if i not in sample], rooms, people)
    chosen = sorted(special | sample)
    _through_actions(ctx, [households[i] for i in chosen], rooms, people, demo_landlord, landlord_users)
    _accounts(ctx)


def _bulk_history(
    ctx: SeedContext, households: list[tuple[int, list[int]]], rooms: dict[int, Any], people: dict[int, Any]
) -> None:
    """Write declarations as the actions would leave them; rooms over capacity flag the later arrivals."""
    from civitas.residence.actions import new_number
    from civitas.residence.choices import DeclarationSource, DeclarationStatus, Relation, RuleCode
    from civitas.residence.models import Declaration, DeclarationMember, Residency, VerificationResult

    rng = ctx.rng
    room_ids = list(rooms)
    numbers: set[str] = set()
    rows: list[tuple[list[int], Declaration, str]] = []  # (people, declaration, capacity finding or "")

    def make(pids: list[int], rid: int, move_in: datetime.date, move_out: datetime.date | None, finding: str) -> None:
        declared = _at(move_in + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2))), rng)
        number = new_number(declared.date())
        while number in numbers:
            number = new_number(declared.date())
        numbers.add(number)
        r, p = rooms[rid], people[pids[0]]
        source = DeclarationSource.TENANT_QR if rng.random() < 0.7 else DeclarationSource.LANDLORD
        status = (
            DeclarationStatus.CHECKED_OUT
            if move_out
            else DeclarationStatus.FLAGGED
            if finding
            else DeclarationStatus.VERIFIED
        )
        decl = Declaration(
            number=number,
            property_id=r["property_id"],
            room_id=rid,
            division_id=r["property__division_id"],
            status=status,
            source=source,
            move_in=move_in,
            purpose=_purpose(rng),
            employer=p["employer"],
            phone_verified=source == DeclarationSource.TENANT_QR,
            declared_at=declared,
            landlord_confirmed_at=declared + datetime.timedelta(hours=rng.randint(1, 40)),
            move_out=move_out,
            foreign=any(people[x]["nationality"] != "CHN" for x in pids),
        )
        rows.append((pids, decl, finding))

    declarations_in_room: dict[int, int] = defaultdict(int)
    for rid, _ in households:
        declarations_in_room[rid] += 1
    seen: dict[int, int] = defaultdict(int)
    for rid, pids in households:
        move_in = ctx.today - datetime.timedelta(days=int(rng.triangular(3, 1500, 200)))
        if rng.random() < 0.25:  # an earlier tenancy elsewhere, moved out before this one
            earlier_out = move_in - datetime.timedelta(days=rng.randint(0, 20))
            earlier_in = earlier_out - datetime.timedelta(days=rng.randint(60, 700))
            make(pids, rng.choice(room_ids), earlier_in, earlier_out, "")
        seen[rid] += len(pids)
        cap = _capacity(rooms[rid], one_family=declarations_in_room[rid] == 1)
        finding = f"Room over capacity: {seen[rid]} people counted, legal capacity {cap}." if seen[rid] > cap else ""
        make(pids, rid, move_in, None, finding)
    with transaction.atomic():
        created = Declaration.objects.bulk_create([d for _, d, _ in rows], batch_size=2000)
        members, residencies, results = [], [], []
        for (pids, _, finding), d in zip(rows, created, strict=True):
            for i, pid in enumerate(pids):
                relation = Relation.SELF if i == 0 else (Relation.SPOUSE if len(pids) == 2 else Relation.RELATIVE)
                members.append(DeclarationMember(declaration=d, person_id=pid, relation=relation))
                residencies.append(
                    Residency(
                        person_id=pid,
                        declaration=d,
                        property_id=d.property_id,
                        room_id=d.room_id,
                        division_id=d.division_id,
                        start=d.move_in,
                        end=d.move_out,
                        confirmed=not finding,
                    )
                )
            for code in RuleCode.values:
                failed = bool(finding) and code == RuleCode.WITHIN_CAPACITY
                results.append(
                    VerificationResult(
                        declaration=d,
                        rule=code,
                        passed=not failed,
                        reason=finding if failed else "",
                        checked_at=d.landlord_confirmed_at or d.declared_at,
                    )
                )
        DeclarationMember.objects.bulk_create(members, batch_size=5000)
        Residency.objects.bulk_create(residencies, batch_size=5000)
        VerificationResult.objects.bulk_create(results, batch_size=5000)


def _through_actions(
    ctx: SeedContext,
    households: list[tuple[int, list[int]]],
    rooms: dict[int, Any],
    people: dict[int, Any],
    demo_landlord: int | None,
    landlord_users: dict[int, Any],
) -> None:
    from civitas.residence import actions
    from civitas.residence.choices import DeclarationSource, Relation

    rng = ctx.rng
    now = datetime.datetime.combine(ctx.today, datetime.time(9, 0), tzinfo=LOCAL_TZ)
    pending_left = PENDING_FOR_DEMO_LANDLORD
    for rid, pids in households:
        r = rooms[rid]
        landlord = landlord_users.get(r["property__landlord_id"])
        roll = rng.random()
        keep_pending = r["property__landlord_id"] == demo_landlord and pending_left > 0
        if keep_pending:
            pending_left -= 1
            delay, source = 0, DeclarationSource.TENANT_QR
            move_in = ctx.today - datetime.timedelta(days=rng.randint(0, 2))
        else:
            delay = rng.randint(4, 20) if roll < 0.12 else rng.choice((0, 1, 2))
            by_landlord = landlord is not None and roll < 0.5
            source = DeclarationSource.LANDLORD if by_landlord else DeclarationSource.TENANT_QR
            move_in = ctx.today - datetime.timedelta(days=delay + int(rng.triangular(0, 400, 30)))
        declared = min(now, _at(move_in + datetime.timedelta(days=delay), rng))
        foreign = any(people[p]["nationality"] != "CHN" for p in pids)
        arrived = min(_at(move_in, rng), declared - datetime.timedelta(hours=1)) if foreign else None
        members = [
            actions.MemberInput(person_id=p, relation=Relation.SELF if i == 0 else Relation.RELATIVE)
            for i, p in enumerate(pids)
        ]
        data = actions.DeclarationInput(
            room_id=rid,
            members=members,
            move_in=move_in,
            arrived_at=arrived,
            purpose=_purpose(rng),
            employer=people[pids[0]]["employer"],
            source=source,
            phone_verified=source == DeclarationSource.TENANT_QR,
            declared_at=declared,
        )
        decl = actions.do_declare(data, acting_user=landlord if source == DeclarationSource.LANDLORD else None)
        if decl.can_landlord_decide() and not keep_pending:  # landlords without an account confirm by phone
            actions.do_confirm_declaration(decl, acting_user=landlord)


def _accounts(ctx: SeedContext) -> None:
    from civitas.accounts.choices import Role
    from civitas.accounts.models import User

    if User.objects.filter(username="hotel").exists():
        return
    hotel = User(username="hotel", role=Role.PARTNER, first_name="义乌宾馆")
    hotel.set_password(ctx.demo_password)
    hotel.save()
    ctx.add_account(hotel, "hotel system (machine client): issue an API token, then POST /api/residence/import")


HISTORY_SQL = """
CREATE TEMP TABLE syn_tenant ON COMMIT DROP AS
WITH t AS (
    SELECT p.id, p.nationality, p.employer, row_number() OVER (ORDER BY p.id) - 1 AS k
    FROM people_person p
    WHERE p.id %% 8 < 5 AND NOT EXISTS (SELECT 1 FROM places_rentalproperty rp WHERE rp.landlord_id = p.id)
), r AS (
    SELECT r.id, r.property_id, rp.division_id, row_number() OVER (ORDER BY r.id) - 1 AS k
    FROM places_room r JOIN places_rentalproperty rp ON rp.id = r.property_id
), n AS (SELECT count(*) AS c FROM r), a AS (
    SELECT t.id AS person_id, t.nationality <> 'CHN' AS is_foreign, left(t.employer, 120) AS employer,
           r.id AS room_id, r.property_id, r.division_id,
           %(today)s::date - (3 + (t.id * 7919) %% 1500)::int AS move_in
    FROM t JOIN r ON r.k = t.k %% (SELECT c FROM n)
)
SELECT a.*, lead(room_id) OVER w AS prev_room, lead(property_id) OVER w AS prev_property,
       lead(division_id) OVER w AS prev_division
FROM a WINDOW w AS (ORDER BY person_id);

INSERT INTO residence_declaration (number, status, source, move_in, purpose, employer, phone_verified,
    declared_at, landlord_confirmed_at, decision_note, move_out, batch_id, days_late, "foreign", reported,
    division_id, property_id, room_id)
SELECT 'S' || person_id, %(verified)s, CASE WHEN person_id %% 10 < 7 THEN %(qr)s ELSE %(landlord)s END, move_in,
       %(work)s, employer, person_id %% 10 < 7,
       ((move_in + (person_id %% 3)::int) + time '10:00') AT TIME ZONE 'Asia/Shanghai',
       ((move_in + (person_id %% 3)::int) + time '15:00') AT TIME ZONE 'Asia/Shanghai',
       '', NULL, '', 0, is_foreign, '{}'::jsonb, division_id, property_id, room_id
FROM syn_tenant
UNION ALL
SELECT 'E' || person_id, %(checked_out)s, %(qr)s, move_in - (60 + person_id %% 640)::int, %(work)s, employer, true,
       ((move_in - (60 + person_id %% 640)::int) + time '11:00') AT TIME ZONE 'Asia/Shanghai',
       ((move_in - (60 + person_id %% 640)::int) + time '16:00') AT TIME ZONE 'Asia/Shanghai',
       '', move_in - (person_id %% 20)::int, '', 0, is_foreign, '{}'::jsonb, prev_division, prev_property, prev_room
FROM syn_tenant WHERE person_id %% 4 = 0 AND prev_room IS NOT NULL;

INSERT INTO residence_declarationmember (relation, visa_expiry, declaration_id, person_id)
SELECT %(self)s, NULL, d.id, substr(d.number, 2)::bigint FROM residence_declaration d WHERE d.id > %(after)s;

INSERT INTO residence_residency (start, "end", confirmed, cancelled, counted, declaration_id, division_id,
    person_id, property_id, room_id)
SELECT d.move_in, d.move_out, true, false, true, d.id, d.division_id, substr(d.number, 2)::bigint,
       d.property_id, d.room_id
FROM residence_declaration d WHERE d.id > %(after)s;

INSERT INTO residence_verificationresult (rule, passed, reason, checked_at, current, declaration_id)
SELECT rule, true, '', d.landlord_confirmed_at, true, d.id
FROM residence_declaration d CROSS JOIN unnest(%(rules)s::text[]) AS rule WHERE d.id > %(after)s;
"""


def _history_sql(ctx: SeedContext) -> None:
    """Large cities (PostgreSQL): a verified declaration for about 5 in 8 residents who are not landlords,
    spread over the rooms, a quarter of them with an earlier, checked-out declaration in another room;
    members, residencies and all six passed rule results — written with set-based SQL (minutes for 2 M
    residents instead of hours through Python objects). No findings, no events: the demo-sized generator
    above exercises the actions."""
    from django.db import connection

    from civitas.residence.choices import DeclarationSource, DeclarationStatus, Purpose, Relation, RuleCode

    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM residence_declaration")
        after = c.fetchone()[0]
        c.execute(
            HISTORY_SQL,
            {
                "today": ctx.today,
                "after": after,
                "verified": DeclarationStatus.VERIFIED.value,
                "checked_out": DeclarationStatus.CHECKED_OUT.value,
                "qr": DeclarationSource.TENANT_QR.value,
                "landlord": DeclarationSource.LANDLORD.value,
                "work": Purpose.WORK.value,
                "self": Relation.SELF.value,
                "rules": list(RuleCode.values),
            },
        )
