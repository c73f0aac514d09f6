"""Shared set-up for resident account tests: register, read the emailed link, verify, sign in."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import OutboxMessage, ResidentAccount
from tests.conftest import post_form

PASSWORD = "kettle river orange"
LINK_RE = re.compile(r"https?://[^\s]+/account/[a-z-]+/[A-Za-z0-9_\-]+")


def last_link(to: str, template: str) -> str:
    """The single-use link in the newest account email of this kind, as a path."""
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "account_email").order_by(OutboxMessage.id.desc())
    ).all()
    for row in rows:
        if row.payload["to"] == to and row.payload["template"] == template:
            return link_path(row)
    raise AssertionError(f"no {template} email to {to}")


def link_path(row: OutboxMessage) -> str:
    """The path of the link the email carries: built from the token id in the payload, as the
    sender builds it (the payload and the stored copy never hold the link itself)."""
    if "token" in row.payload:
        from frontdoor.services import accounts

        link = accounts.token_link(row.payload["token"]["id"], row.payload["token"]["endpoint"])
    else:
        link = row.payload["values"]["link"]
    return "/" + link.split("/", 3)[3]


def register(client, email="pat@example.com", name="Pat Resident", password=PASSWORD):
    return post_form(client, "/account/register", {"full_name": name, "email": email, "password": password})


def register_and_verify(client, email="pat@example.com", name="Pat Resident"):
    r = register(client, email, name)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    link = last_link(email, "verify_email")
    r = post_form(client, link, {})
    assert r.status_code == 302 and "/account" in r.location, r.get_data(as_text=True)[:2000]
    return db.session.scalar(select(ResidentAccount).where(ResidentAccount.email_normalised == email))


def sign_in(client, email="pat@example.com", password=PASSWORD):
    return post_form(client, "/account/sign-in", {"email": email, "password": password})
