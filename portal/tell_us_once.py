"""Tell us once: a signed-in resident's name, email, phone and home address fill the form for them.

Hooked onto the portal blueprint (before each journey request) so the journey code stays as it is:
the draft is prefilled from the account, and pages answered entirely from the account are skipped
(the check page still shows them, with "Change" links, which reach the page with ?change=1).
"""
from __future__ import annotations

from flask import redirect, request, url_for

from frontdoor.auth import current_resident
from frontdoor.services import prefill
from frontdoor.services.registry import definition as get_definition
from portal import journey
from portal.routes import bp


def account_answers(definition, account) -> dict:
    return prefill.answers_for(definition, account.customer)


@bp.before_request
def prefill_from_account():
    if request.endpoint not in ("portal.begin", "portal.page", "portal.check"):
        return None
    account = current_resident()
    args = request.view_args or {}
    definition = get_definition(args.get("service_id", ""))
    if account is None or definition is None:
        return None
    known = account_answers(definition, account)
    if not known:
        return None
    answers = journey.draft(definition)["answers"]
    missing = {k: v for k, v in known.items() if k not in answers}
    if missing:
        journey.save_answers(definition, missing)
    if request.method != "GET" or request.args.get("change"):
        return None
    page_id = args.get("page_id") or (definition.pages[0].id if request.endpoint == "portal.begin" else None)
    page = definition.page(page_id) if page_id else None
    if page is None or not page.questions or not all(q.id in known for q in page.questions if q.required):
        return None
    # Everything on this page came from the account: go to the first thing we still need.
    answers = journey.draft(definition)["answers"]
    following = journey.first_unanswered_page(definition, answers)
    if following is None:
        return redirect(url_for("portal.check", service_id=definition.id))
    return redirect(url_for("portal.page", service_id=definition.id, page_id=following.id))
