"""One unit of work per request or job: services flush, the request or the job commits once.

commit() takes what each registered hook noted in this transaction, commits, then runs the hooks
(the outbox hands its new rows to RQ, the rollups schedule their job). rollback() discards what
the hooks noted, so nothing is dispatched for rows that were never written. Hooks are registered by
the layers that own them (frontdoor.jobs), so the services that note work import nothing above them.

view() wraps a view function: commit on success, roll back on any exception, and a service's
Refused that the view did not handle turned into a GOV.UK error page (or the API's structured error).
"""
from __future__ import annotations

import contextlib
import functools
import logging
from dataclasses import dataclass
from typing import Any, Callable

from frontdoor.extensions import db

log = logging.getLogger(__name__)


class Refused(Exception):
    """A service's refusal: the message is safe to show the person who asked."""

    status = 400


@dataclass(frozen=True)
class Hook:
    take: Callable[[Any], Any]  # before the commit: what this transaction noted (falsy: nothing to do)
    run: Callable[[Any], None]  # after the commit, with what take() returned
    discard: Callable[[Any], None]  # on rollback: forget what was noted


_HOOKS: dict[str, Hook] = {}


def after_commit(name: str, take: Callable, run: Callable, discard: Callable) -> None:
    """Register (or replace) a hook by name: registering twice, as each create_app does, is harmless."""
    _HOOKS[name] = Hook(take, run, discard)


def commit() -> None:
    session = db.session
    try:
        taken = [(name, hook, hook.take(session)) for name, hook in _HOOKS.items()]
        session.commit()
    except Exception:
        rollback()
        raise
    for name, hook, noted in taken:
        if noted:
            try:
                hook.run(noted)
            except Exception:  # the data is committed; the sweep or the next job picks the work up
                log.exception("after-commit hook %s failed", name)


def rollback() -> None:
    session = db.session
    for hook in _HOOKS.values():
        hook.discard(session)
    session.rollback()


@contextlib.contextmanager
def unit():
    """A job's (or a command's) unit of work: commit at the end, roll back on any exception."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def view(func: Callable) -> Callable:
    """The request's unit of work around a view function."""

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        try:
            response = func(*args, **kwargs)
        except Refused as refusal:
            rollback()
            return refused_response(refusal)
        except BaseException:
            rollback()
            raise
        commit()
        return response

    return wrapped


def refused_response(refusal: Refused):
    """Through the HTTP error handlers: the GOV.UK error page with the message, or under /api and
    /open311 the blueprint's structured error in the caller's format."""
    from flask import abort

    abort(refusal.status, description=str(refusal))


def wrap_views(app) -> None:
    """Every view of the app in the unit of work: no route module commits."""
    for endpoint, func in list(app.view_functions.items()):
        if not getattr(func, "_unit_of_work", False):
            wrapped = view(func)
            wrapped._unit_of_work = True
            app.view_functions[endpoint] = wrapped
