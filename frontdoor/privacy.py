"""Staff-only data protection tools: a subject access export of one person's data (admins only)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify

from frontdoor.auth import staff_required
from flask_login import current_user

from frontdoor.extensions import db
from frontdoor.services import audit
from frontdoor.models import Customer
from frontdoor.services.retention import subject_access_export

bp = Blueprint("privacy", __name__)


@bp.get("/staff/privacy/customers/<int:customer_id>/export.json")
@staff_required("admin")
def export(customer_id):
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    response = jsonify(subject_access_export(customer))
    audit.record_read(current_user, "customer.subject_access_export", customer_id=customer.id)
    response.headers["Content-Disposition"] = f'attachment; filename="subject-access-{customer_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
