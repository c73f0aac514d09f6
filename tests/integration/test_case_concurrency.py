"""Optimistic locking on real PostgreSQL: two staff move the same case at once; the second gets
StaleCase and nothing it sent is written."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, StaffUser
from frontdoor.services.actors import Actor
from frontdoor.services.transitions import StaleCase, transition
from tests import factories
from tests.integration.test_caseworker import make_case


def test_two_connections_moving_one_case(app, committed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent connections: PostgreSQL only")
    factories.team("waste")
    case = make_case("race@example.com")
    first, second = factories.staff(), factories.staff()
    unit_of_work.commit()
    case_id, staff_ids = case.id, (first.id, second.id)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def move(who: int, name: str):
        with app.app_context():
            try:
                user = db.session.get(StaffUser, staff_ids[who])
                mine = db.session.get(Case, case_id)
                seen = mine.version  # both read the same version, like two open forms
                barrier.wait(10)
                transition(mine, name, Actor.for_staff(user), {"note": f"by {who}"}, expected_version=seen)
                unit_of_work.commit()
                results[name] = "moved"
            except StaleCase as exc:
                unit_of_work.rollback()
                results[name] = f"stale: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=move, args=(0, "schedule_return")),
               threading.Thread(target=move, args=(1, "not_presented"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(v.split(":")[0] for v in results.values()) == ["moved", "stale"], results
    winner = next(k for k, v in results.items() if v == "moved")
    db.session.expire_all()
    final = db.session.get(Case, case_id)
    assert final.state == {"schedule_return": "return_scheduled", "not_presented": "not_presented"}[winner]
    assert final.version == 2
    moves = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "transition")))
    assert [e.transition for e in moves] == [winner]
