"""The request's (and the job's) one unit of work: commit on success, roll back on any exception,
the hooks only after a commit, and a service's unhandled refusal turned into an HTTP error."""
import pytest
from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, Forbidden

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Team
from frontdoor.services.transitions import TransitionForbidden


def _team(slug):
    return db.session.scalar(select(Team).where(Team.slug == slug))


def test_a_view_that_returns_commits(session):
    @unit_of_work.view
    def page():
        db.session.add(Team(slug="kept", name="Kept"))
        return "ok"

    with current_app.test_request_context("/staff/x", method="POST"):
        assert page() == "ok"
    db.session.rollback()  # only what was not committed goes
    assert _team("kept") is not None


def test_a_view_that_raises_rolls_back_and_dispatches_nothing(session):
    ran = []
    unit_of_work.after_commit("test-probe", lambda s: s.info.pop("probe", None), ran.append,
                              lambda s: s.info.pop("probe", None))
    try:
        @unit_of_work.view
        def page():
            db.session.add(Team(slug="lost", name="Lost"))
            db.session.info["probe"] = "noted"
            raise RuntimeError("boom")

        with current_app.test_request_context("/staff/x", method="POST"), pytest.raises(RuntimeError):
            page()
        assert _team("lost") is None and "probe" not in db.session.info
        db.session.info["probe"] = "noted"
        unit_of_work.commit()
        assert ran == ["noted"]  # the hook runs after a commit, with what the transaction noted
    finally:
        unit_of_work._HOOKS.pop("test-probe")


def test_a_refusal_the_view_did_not_handle_is_an_http_error_with_its_message(session):
    @unit_of_work.view
    def page():
        db.session.add(Team(slug="refused", name="Refused"))
        raise unit_of_work.Refused("That cannot be done now")

    @unit_of_work.view
    def forbidden():
        raise TransitionForbidden("This key may not make that step")

    with current_app.test_request_context("/staff/x", method="POST"):
        with pytest.raises(BadRequest, match="That cannot be done now"):
            page()
        with pytest.raises(Forbidden):
            forbidden()
    assert _team("refused") is None


def test_every_view_of_the_app_runs_in_the_unit_of_work(app):
    assert all(getattr(func, "_unit_of_work", False) for func in app.view_functions.values())
