"""Load-test baselines, registered only when FRONTDOOR_BENCH_ENDPOINTS=1 (never in production
deployments): the floor a real submission is compared with in bench/load_test.py.

POST /bench/inserts does only the four inserts a submission makes (case, event, contact, outbox
row) and the one commit, with no validation, rules, session or templates.

POST /bench/form-inserts is the ceiling of any submission: the same four inserts behind everything a
resident's form POST costs the framework whatever the service does: the signed session cookie with
its draft, the CSRF check, an outbox row that is really dispatched (its job enqueued to Redis after
the commit), the draft taken out of the session (a new cookie) and the redirect. The real submission
adds only the service's own work to this.
"""
from __future__ import annotations

from flask import abort, jsonify, redirect, session
from flask_wtf import FlaskForm

from frontdoor import unit_of_work
from frontdoor.extensions import csrf, db
from frontdoor.models import Case, CaseEvent, Contact, OutboxMessage
from frontdoor.models.base import utcnow
from frontdoor.services import outbox
from frontdoor.services.references import new_reference


def _four_inserts(answers: dict, dispatched: bool) -> Case:
    now = utcnow()
    case = Case(reference=new_reference(), workflow_id="bench", workflow_version=1, state="submitted",
                state_category="open", answers=answers, channel="web", created_at=now)
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseEvent(case_id=case.id, kind="submitted", actor_type="resident", actor_label="Resident",
                             to_state="submitted", data={}, created_at=now))
    db.session.add(Contact(channel="web", reason="bench", outcome="self_served", case_id=case.id))
    if dispatched:
        # A real notification row, handed to RQ after the commit like a submission's acknowledgement.
        outbox.add("notification", {"template": "acknowledgement", "case_id": case.id, "extra": {}}, case)
    else:
        # Already "sent", so no worker ever acts on it.
        db.session.add(OutboxMessage(kind="notification", payload={"case_id": case.id}, case_id=case.id,
                                     status="sent"))
    return case


def init_app(app) -> None:
    @app.post("/bench/inserts")
    @csrf.exempt
    def bench_inserts():
        case = _four_inserts({"bench": True}, dispatched=False)
        db.session.commit()
        return jsonify(reference=case.reference), 201

    @app.post("/bench/form-inserts/<service_id>")
    def bench_form_inserts(service_id):
        form = FlaskForm()
        current = session.get("drafts", {}).get(service_id)
        if not form.validate_on_submit() or current is None:
            abort(400)
        case = _four_inserts(dict(current["answers"]), dispatched=True)
        unit_of_work.commit()
        session["drafts"].pop(service_id, None)
        session.modified = True
        return redirect(f"/services/{service_id}/done/{case.reference}")
