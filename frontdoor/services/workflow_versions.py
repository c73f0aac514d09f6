"""Definition versions: the first use of a version stores a snapshot; a case always runs under the
version it started with; a file changed without a version bump is refused with a clear message."""
from __future__ import annotations

import json

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from frontdoor.extensions import db
from frontdoor.models import Case, WorkflowSnapshot
from frontdoor.services.registry import registry
from workflows import Definition, DefinitionError
from workflows.loader import load_data

_snapshots: dict[tuple[str, int], Definition] = {}  # stored snapshots never change: cache them


def _changed_message(definition: Definition) -> str:
    name = definition.source_file.rsplit("/", 1)[-1] or f"{definition.id}.yaml"
    return (f"{name}: version: the content changed but version {definition.version} is already in use by cases; "
            f"give it a new version number (for example {definition.version + 1})")


def stored_hash_query(definition: Definition):
    """The query for the hash stored for this version (only the hash: the stored definition is large)."""
    return select(WorkflowSnapshot.content_hash).where(
        WorkflowSnapshot.workflow_id == definition.id, WorkflowSnapshot.version == definition.version)


_UNREAD = object()


def ensure_snapshot(definition: Definition, stored_hash=_UNREAD) -> None:
    """Called when a case is created: store this version's snapshot, or refuse a silent change.
    `stored_hash`: already read by the caller in a query of its own (None when there is none)."""
    if stored_hash is _UNREAD:
        stored_hash = db.session.scalar(stored_hash_query(definition))
    if stored_hash is None:
        try:
            with db.session.begin_nested():
                db.session.add(WorkflowSnapshot(workflow_id=definition.id, version=definition.version,
                                                content_hash=definition.content_hash,
                                                raw=json.loads(json.dumps(definition.raw, default=str))))
            return
        except IntegrityError:
            # The first cases of a new version arrived together and another request stored it
            # first (its savepoint is all that rolled back): compare with what that one stored.
            stored_hash = db.session.scalar(stored_hash_query(definition))
    if stored_hash != definition.content_hash:
        raise DefinitionError([_changed_message(definition)])


def check_against_snapshots(definitions) -> list[str]:
    """At start-up (when the table exists): every loaded version must match its stored snapshot."""
    if not inspect(db.session.connection()).has_table("workflow_snapshots"):
        return []
    stored = {(s.workflow_id, s.version): s.content_hash for s in db.session.scalars(select(WorkflowSnapshot))}
    return [_changed_message(d) for d in definitions
            if stored.get((d.id, d.version)) not in (None, d.content_hash)]


def for_case(case: Case) -> Definition | None:
    """The definition a case runs under: the one in force if it is the same version, else its snapshot."""
    current = registry().get(case.workflow_id)
    if current is not None and current.version == case.workflow_version:
        return current
    key = (case.workflow_id, case.workflow_version)
    if key not in _snapshots:
        stored = db.session.scalar(select(WorkflowSnapshot).where(
            WorkflowSnapshot.workflow_id == case.workflow_id, WorkflowSnapshot.version == case.workflow_version))
        if stored is None:
            return current  # a case from before snapshots existed: the best we have
        _snapshots[key] = load_data(stored.raw, f"{case.workflow_id}.yaml")
    return _snapshots[key]
