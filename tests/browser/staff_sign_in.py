"""Staff sign-in in the browser, including the second factor when the page asks for it (issue 21):
the code is what the person's authenticator app shows, computed from their enrolled secret."""
from __future__ import annotations

from frontdoor.extensions import db
from tests import factories


def answer_two_factor(page, user) -> None:
    """After "Sign in": if the code page is showing, enter the authenticator app's code."""
    page.wait_for_load_state()
    if page.url.endswith("/staff/sign-in/code"):
        code = factories.totp_code(user)
        db.session.commit()  # end the read: on SQLite an open read would lock out the sign-in's write
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
