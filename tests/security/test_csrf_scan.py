"""Every state-changing route refuses a POST without a CSRF token (400), except routes that are
exempt by design (machine APIs), which must then refuse a request without an API key."""
from __future__ import annotations

from werkzeug.routing import AnyConverter, BuildError

from frontdoor.extensions import db

# Data, not code: the prefixes whose routes are machine APIs authenticated by key, not by cookie.
CSRF_EXEMPT_PREFIXES = ("/open311/", "/api/")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_ARGS = {"service_id": "missed_bin", "page_id": "details", "reference": "7K4P9QXR", "filename": "x.css"}


def _url_for(app, rule) -> str | None:
    args = {name: SAMPLE_ARGS.get(name, "1") for name in rule.arguments}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):  # e.g. the Open311 format: one of its own values
            args[name] = sorted(converter.items)[0]
    with app.test_request_context():
        from flask import url_for

        try:
            return url_for(rule.endpoint, **args)
        except BuildError:
            return None


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            yield rule, method


def test_there_are_state_changing_routes_to_check(app):
    assert len(list(_routes(app))) >= 4


def test_every_state_changing_route_needs_a_csrf_token(app, committed):
    client = app.test_client()
    checked, problems = [], []
    for rule, method in _routes(app):
        url = _url_for(app, rule)
        assert url is not None, f"cannot build a URL for {rule}"
        response = client.open(url, method=method, data={"anything": "x"})
        exempt = url.startswith(CSRF_EXEMPT_PREFIXES)
        if exempt:
            # The API's catch-all for unknown paths changes nothing and answers 404 in the API's shape.
            catch_all = "<path:rest>" in str(rule)
            if response.status_code not in ((401, 403, 404) if catch_all else (401, 403)):
                problems.append(f"{method} {rule} is CSRF-exempt but answered {response.status_code} without an API key")
        elif response.status_code != 400 or "Your form has expired" not in response.get_data(as_text=True):
            problems.append(f"{method} {rule} answered {response.status_code} without a CSRF token")
        checked.append(f"{method} {rule}")
    assert not problems, "\n".join(problems)
    assert checked


def test_with_a_logged_in_session_a_missing_token_is_still_refused(app, committed):
    from tests import factories
    from tests.conftest import post_form

    client = app.test_client()
    user = factories.staff(role="admin", teams=("waste",))
    db.session.commit()
    assert post_form(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD}).status_code == 302
    assert post_form(client, "/staff/sign-in/code", {"code": factories.totp_code(user)}).status_code == 302
    assert client.get("/staff/").status_code == 200
    for rule, method in _routes(app):
        url = _url_for(app, rule)
        if url.startswith(CSRF_EXEMPT_PREFIXES):
            continue
        assert client.open(url, method=method, data={}).status_code == 400, f"{method} {rule}"
