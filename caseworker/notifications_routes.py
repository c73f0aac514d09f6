"""Staff view of the messages sent (or, embedded, stored) for residents: /staff/notifications."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from caseworker.routes import bp
from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.models import Notification
from frontdoor.services import audit, visibility
from frontdoor.services.notifications import ACCOUNT_TEMPLATES

PAGE_SIZE = 50


@bp.get("/notifications")
@staff_required("team_lead", "admin", "caseworker")
def notifications():
    before = whole_number(request.args.get("before"))
    # Messages about the cases this person may see; account emails (no case) only to those who see everything.
    query = (select(Notification).where(visibility.case_rows(current_user, Notification.case_id,
                                                             without_case=visibility.sees_everything(current_user)))
             .order_by(Notification.id.desc()).limit(PAGE_SIZE))
    if before:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query))
    page = render_template("caseworker/notifications.html", title="Messages to residents", rows=rows, account_templates=ACCOUNT_TEMPLATES,
                           older=rows[-1].id if len(rows) == PAGE_SIZE else None)
    if rows:
        audit.record_read(current_user, "notification.list", notification_ids=[n.id for n in rows],
                          case_ids=sorted({n.case_id for n in rows if n.case_id}))
    return page
