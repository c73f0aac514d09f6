"""Resident accounts: register, verify, sign in, reset, change email, close.

Nothing here tells the caller whether an email already has an account: the views show the same
words either way, and the email sent says what happened. Tokens are random, kept only as a
SHA-256 hash, single use and short-lived.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from frontdoor.extensions import db
from frontdoor.models import AccountAudit, AccountToken, Case, Customer, ResidentAccount
from frontdoor.models.base import utcnow
from frontdoor.services import lockout, outbox, personal_data
from frontdoor.services.merges import OWNED
from frontdoor.services.customers import split_name
from frontdoor.services.links import Link
from workflows.validation import EMAIL_FORMAT

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
LIFETIMES = {"verify": timedelta(hours=24), "reset": timedelta(hours=1), "change_email": timedelta(hours=24)}
BLOCKLIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


class AccountError(ValueError):
    """Bad input; the message is for the resident."""


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    """NCSC: refuse the most common passwords. zxcvbn (pinned) ships the 30,000 most common from
    breach data; our own file adds local words (the council, the area)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    own = (line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset((*own, *(p.lower() for p in FREQUENCY_LISTS["passwords"])))


def password_problem(password: str | None, email: str | None = None) -> str | None:
    """NCSC guidance: long enough, not a common password, no composition rules."""
    password = password or ""
    if not password:
        return "Enter a password"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Your password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Your password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _blocklist() or (email and lowered == (email or "").strip().lower()):
        return "That password is too common and easy to guess. Choose a different one, like three random words"
    return None


def clean_email(email: str | None) -> str:
    """A normalised email, or AccountError with a GOV.UK-style message."""
    text = (email or "").strip()
    if not text:
        raise AccountError("Enter your email address")
    if len(text) > 254:
        raise AccountError("Email address must be 254 characters or fewer")
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(EMAIL_FORMAT) from None


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def audit(account: ResidentAccount | None, action: str, **data) -> None:
    db.session.add(AccountAudit(account_id=account.id if account else None, action=action, data=data))


def issue_token(account: ResidentAccount, purpose: str, data: dict | None = None) -> AccountToken:
    """A new single-use token; any older unused one of this account and purpose stops working (a
    newer reset link ends the older). Its secret is derived from the row's id and SECRET_KEY
    (_secret), so nothing stored lets anyone rebuild the link."""
    db.session.execute(update(AccountToken).where(AccountToken.account_id == account.id, AccountToken.purpose == purpose,
                                                  AccountToken.used_at.is_(None)).values(used_at=utcnow()))
    token = AccountToken(account_id=account.id, purpose=purpose, token_hash=secrets.token_hex(32), data=data or {},
                         expires_at=utcnow() + LIFETIMES[purpose])
    db.session.add(token)
    db.session.flush()
    token.token_hash = _hash(_secret(token.id))
    db.session.flush()
    return token


def _secret(token_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"account-token:{token_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_link(token_id: int, endpoint: str) -> str:
    """The link an email carries, built when it is sent (the outbox payload holds only the id)."""
    path = current_app.url_map.bind("localhost").build(endpoint, {"token": _secret(token_id)})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def use_token(raw: str | None, purpose: str) -> AccountToken | None:
    """The token if it is real, unused, unexpired and for this purpose; marks it used (single use)."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == _hash(raw), AccountToken.purpose == purpose).with_for_update()
    )
    if token is None or token.used_at is not None or _aware(token.expires_at) <= utcnow():
        return None
    token.used_at = utcnow()
    db.session.flush()
    return token


def peek_token(raw: str | None, purpose: str) -> AccountToken | None:
    """As use_token, without using it: to show the form that will use it."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash(raw), AccountToken.purpose == purpose))
    if token is None or token.used_at is not None or _aware(token.expires_at) <= utcnow():
        return None
    return token


def _aware(value):
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _page(endpoint: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + Link(endpoint).url(external=False)


def send_email(to: str, template: str, values: dict, token: AccountToken | None = None, endpoint: str = "") -> None:
    """With a token, the payload holds its id and endpoint, never the link: the sender builds it."""
    payload = {"template": template, "to": to, "values": values}
    if token is not None:
        payload["token"] = {"id": token.id, "endpoint": endpoint}
    outbox.add("account_email", payload)


def by_email(email_n: str) -> ResidentAccount | None:
    return db.session.scalar(select(ResidentAccount).where(ResidentAccount.email_normalised == email_n))


def register(full_name: str, email: str, password: str) -> None:
    """Create an unverified account and email a link, or email the owner that someone tried."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise AccountError("Enter your full name")
    if len(full_name) > 100:
        raise AccountError("Full name must be 100 characters or fewer")
    email_n = clean_email(email)
    problem = password_problem(password, email_n)
    if problem:
        raise AccountError(problem)
    existing = by_email(email_n)
    if existing is not None:
        if existing.email_verified_at is None:
            # Not yet proven: whoever can read the inbox may set the password by verifying.
            existing.set_password(password)
            existing.session_version += 1
            send_email(email_n, "verify_email", {"name": full_name}, issue_token(existing, "verify"), "account.verify")
        else:
            generate_password_hash(password)  # the same hashing work as a new account: timing tells nothing
            send_email(email_n, "already_registered", {"link": _page("account.forgot_password")})
        return
    first, last = split_name(full_name)
    account = ResidentAccount(email_normalised=email_n)
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    account.customer = Customer(first_name=first, last_name=last, email=email_n, email_normalised=None,
                                contact_preference="email", flags={"pending_account": account.id})
    db.session.add(account.customer)
    db.session.flush()
    audit(account, "registered")
    send_email(email_n, "verify_email", {"name": full_name}, issue_token(account, "verify"), "account.verify")


def verify(raw: str) -> ResidentAccount | None:
    token = use_token(raw, "verify")
    if token is None:
        return None
    account = db.session.get(ResidentAccount, token.account_id)
    if account is None or account.closed_at is not None:
        return None
    account.email_verified_at = utcnow()
    _claim_email(account, account.email_normalised)
    audit(account, "verified")
    return account


def _claim_email(account: ResidentAccount, email_n: str) -> None:
    """Now the email is proven: the account's customer holds it, and everything made as a guest with
    it joins: requests, contacts, tasks, bookings and subscriptions (and so their payments)."""
    customer = account.customer
    customer.email, customer.email_normalised = email_n, email_n
    customer.flags = {k: v for k, v in (customer.flags or {}).items() if k != "pending_account"}
    others = db.session.scalars(
        select(Customer).where(Customer.email_normalised == email_n, Customer.id != customer.id,
                               Customer.merged_into_id.is_(None))
    ).all()
    for other in others:
        other.merged_into_id = customer.id
        if not customer.phone_e164 and other.phone_e164:
            customer.phone, customer.phone_e164 = other.phone, other.phone_e164
        if not customer.property_id and other.property_id:
            customer.property_id = other.property_id
    if others:
        ids = [o.id for o in others]
        db.session.execute(update(Case).where(Case.customer_id.in_(ids)).values(customer_id=customer.id,
                                                                                   version=Case.version + 1))
        for _, model in OWNED:
            if model is not Case:
                db.session.execute(update(model).where(model.customer_id.in_(ids)).values(customer_id=customer.id)
                                   .execution_options(synchronize_session=False))
        db.session.expire_all()
    db.session.flush()


def authenticate(email: str, password: str) -> ResidentAccount | None:
    """The account, or None; AccountError (saying when to try again) while locked out. The caller
    commits either way: a failure's count is kept."""
    try:
        email_n = clean_email(email)
    except AccountError:
        email_n = None
    account = by_email(email_n) if email_n else None
    # The same hash work whether or not the account exists; failures counted for the lock-out.
    signed_in, locked = lockout.attempt("resident", account, password)
    if locked:
        raise AccountError(locked)
    if not signed_in:
        return None
    account.last_signed_in_at = utcnow()
    return account


def request_reset(email: str) -> None:
    email_n = clean_email(email)
    account = by_email(email_n)
    if account is None or account.closed_at is not None:
        # The same words on screen and the same work (an outbox row): the email says there is no account.
        send_email(email_n, "no_account", {"link": _page("account.register")})
        return
    send_email(email_n, "reset_password", {}, issue_token(account, "reset"), "account.reset_password")
    audit(account, "reset_requested")


def reset_password(raw: str, password: str) -> ResidentAccount | None:
    token = peek_token(raw, "reset")
    if token is None:
        return None
    account = db.session.get(ResidentAccount, token.account_id)
    problem = password_problem(password, account.email_normalised)
    if problem:
        raise AccountError(problem)
    use_token(raw, "reset")
    account.set_password(password)
    account.session_version += 1
    if account.email_verified_at is None:  # they read an email sent to this address
        account.email_verified_at = utcnow()
        _claim_email(account, account.email_normalised)
    audit(account, "password_reset")
    return account


def end_sessions(account: ResidentAccount) -> None:
    """Sign-out: every session of this account ends, on every device (the version is in the cookie)."""
    account.session_version += 1
    db.session.flush()


def change_password(account: ResidentAccount, current: str, new: str) -> None:
    if not account.check_password(current or ""):
        raise AccountError("Your current password is not right")
    problem = password_problem(new, account.email_normalised)
    if problem:
        raise AccountError(problem)
    account.set_password(new)
    account.session_version += 1
    audit(account, "password_changed")


def request_email_change(account: ResidentAccount, new_email: str, password: str) -> None:
    email_n = clean_email(new_email)
    if not account.check_password(password or ""):
        raise AccountError("Your password is not right")
    if email_n == account.email_normalised:
        raise AccountError("That is already your email address")
    if by_email(email_n) is not None:
        send_email(email_n, "already_registered", {"link": _page("account.forgot_password")})
        return
    send_email(email_n, "confirm_email_change", {}, issue_token(account, "change_email", {"email": email_n}),
               "account.confirm_email")
    audit(account, "email_change_requested")


def confirm_email_change(raw: str) -> ResidentAccount | None:
    token = use_token(raw, "change_email")
    if token is None:
        return None
    account = db.session.get(ResidentAccount, token.account_id)
    email_n = token.data.get("email")
    if account is None or account.closed_at is not None or not email_n or by_email(email_n) is not None:
        return None
    old = account.email_normalised
    account.email_normalised = email_n
    db.session.flush()
    _claim_email(account, email_n)
    send_email(old, "email_changed", {})
    audit(account, "email_changed")
    return account


def close(account: ResidentAccount) -> None:
    """Remove the personal data (services/personal_data.py says what that is, table by table); keep
    the cases, linked to an anonymous "Closed account", for statistics."""
    customer = account.customer
    if customer is not None:
        people = [customer, *db.session.scalars(select(Customer).where(Customer.merged_into_id == customer.id))]
        for case in db.session.scalars(select(Case).where(Case.customer_id.in_([p.id for p in people]))):
            personal_data.erase_case(case)
        for person in people:
            personal_data.erase_customer(person)
            person.first_name, person.last_name = "Closed", "account"
    account.email_normalised = None
    account.password_hash = None
    account.closed_at = utcnow()
    account.session_version += 1
    db.session.execute(update(AccountToken).where(AccountToken.account_id == account.id, AccountToken.used_at.is_(None))
                       .values(used_at=utcnow()))
    audit(account, "closed")
    db.session.flush()
