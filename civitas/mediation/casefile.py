"""The case file a referral carries to arbitration or court: everything known, phones masked."""

from __future__ import annotations

from typing import Any

from civitas.mediation.models import Case


def build_case_file(case: Case) -> dict[str, Any]:
    agreement = getattr(case, "agreement", None)
    return {
        "code": case.code,
        "category": case.category,
        "channel": case.channel,
        "amount": str(case.amount),
        "claimants": case.claimants,
        "risk": case.risk,
        "description": case.description,
        "filed_at": case.created_at.isoformat(),
        "division": case.division_id,
        "mediator": str(case.mediator) if case.mediator_id else None,
        "parties": [
            {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "company": p.company,
                "foreign": p.foreign,
                "nationality": p.nationality,
                "languages": p.languages,
                "phone": p.phone_masked,
            }
            for p in case.parties.all()
        ],
        "evidence": [
            {"file": e.file.name, "description": e.description, "uploaded_at": e.uploaded_at.isoformat()}
            for e in case.evidence.all()
        ],
        "contacts": [{"at": c.at.isoformat(), "party": c.party_id, "outcome": c.outcome} for c in case.contacts.all()],
        "sessions": [
            {"at": s.starts_at.isoformat(), "mode": s.mode, "held": s.held, "summary": s.summary}
            for s in case.sessions.all()
        ],
        "notes": [{"at": n.at.isoformat(), "text": n.text} for n in case.notes.all()],
        "agreement": None
        if agreement is None
        else {
            "texts": agreement.texts,
            "sealed_at": agreement.sealed_at.isoformat() if agreement.sealed_at else None,
            "performance": agreement.performance,
        },
        "decisions": [
            {"at": d.at.isoformat(), "kind": d.kind, "mediator": d.mediator_id} for d in case.decisions.all()
        ],
    }
