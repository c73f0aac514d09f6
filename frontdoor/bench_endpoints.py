"""Load-test baselines, registered only when FRONTDOOR_BENCH_ENDPOINTS=1 (never in production
deployments): the floor a real submission is compared with in bench/load_test.py.

POST /bench/inserts does only the four inserts a submission makes (case, event, contact, outbox
row) and the one commit, with no validation, rules, session or templates.
"""
from __future__ import annotations

from flask import jsonify

from frontdoor.extensions import csrf, db
from frontdoor.models import Case, CaseEvent, Contact, OutboxMessage
from frontdoor.models.base import utcnow
from frontdoor.services.references import new_reference


def init_app(app) -> None:
    @app.post("/bench/inserts")
    @csrf.exempt
    def bench_inserts():
        now = utcnow()
        case = Case(reference=new_reference(), workflow_id="bench", workflow_version=1, state="submitted",
                    state_category="open", answers={"bench": True}, channel="web", created_at=now)
        db.session.add(case)
        db.session.flush()
        db.session.add(CaseEvent(case_id=case.id, kind="submitted", actor_type="resident", actor_label="Resident",
                                 to_state="submitted", data={}, created_at=now))
        db.session.add(Contact(channel="web", reason="bench", outcome="self_served", case_id=case.id))
        # Already "sent", so no worker ever acts on it.
        db.session.add(OutboxMessage(kind="notification", payload={"case_id": case.id}, case_id=case.id, status="sent"))
        db.session.commit()
        return jsonify(reference=case.reference), 201
