"""Factories for the models: plain functions that add, flush and return."""
from __future__ import annotations

import itertools
import time

import pyotp

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models.base import utcnow
from frontdoor.models import CollectionRound, Container, Customer, Property, StaffUser, Team

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def team(slug: str = "waste", name: str | None = None) -> Team:
    found = db.session.scalar(select(Team).where(Team.slug == slug))
    if found:
        return found
    found = Team(slug=slug, name=name or slug.replace("_", " ").title())
    db.session.add(found)
    db.session.flush()
    return found


def staff(role: str = "caseworker", teams=("waste",), email: str | None = None,
          two_factor: bool | None = None) -> StaffUser:
    """A member of staff; admins have an authenticator app set up (the tests run STAFF_TWO_FACTOR=admins)."""
    n = next(_seq)
    user = StaffUser(email=email or f"{role}{n}@staff.test", name=f"{role.title()} {n}", role=role,
                     teams=[team(t) for t in teams])
    user.set_password(PASSWORD)
    if two_factor if two_factor is not None else role == "admin":
        user.totp_secret, user.two_factor_enabled_at = pyotp.random_base32(), utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def totp_code(user: StaffUser) -> str:
    """What the person's authenticator app shows: RFC 6238 from their enrolled secret (pyotp is that
    algorithm, not a stand-in for our code). If this step's code was used already, the next step's,
    which sign-in accepts for clock drift."""
    totp = pyotp.TOTP(user.totp_secret)
    step = int(time.time()) // 30
    last = db.session.scalar(select(StaffUser.totp_last_step).where(StaffUser.id == user.id))
    return totp.generate_otp(step + 1 if last is not None and last >= step else step)


def collection_round(stream: str = "refuse", weekday: int = 0, every: int = 1, offset: int = 0) -> CollectionRound:
    name = f"{stream}-{weekday}-{every}-{offset}"
    found = db.session.scalar(select(CollectionRound).where(CollectionRound.name == name))
    if found:
        return found
    found = CollectionRound(name=name, stream=stream, weekday=weekday, frequency_weeks=every, week_offset=offset)
    db.session.add(found)
    db.session.flush()
    return found


def property_(postcode: str = "DB1 1AA", street: str = "Test Street", number: int | None = None,
              streams=("refuse", "recycling"), weekday: int = 0, ward: str = "Abbey") -> Property:
    n = next(_seq)
    prop = Property(uprn=str(200000000000 + n), address_line1=f"{number or n} {street}", town="Demoton",
                    postcode=postcode, ward=ward, latitude=52.0, longitude=-1.5)
    db.session.add(prop)
    labels = {"refuse": "Black general waste bin", "recycling": "Blue recycling bin", "garden": "Green garden waste bin",
              "food": "Food waste caddy"}
    for stream in streams:
        prop.containers.append(Container(stream=stream, label=labels[stream], size_litres=240,
                                         round=collection_round(stream, weekday)))
    db.session.flush()
    return prop


def customer(first: str = "Sam", last: str = "Resident", email: str | None = None, phone: str | None = None) -> Customer:
    n = next(_seq)
    email = email or f"resident{n}@example.com"
    c = Customer(first_name=first, last_name=last, email=email, email_normalised=email.lower(), phone=phone,
                 contact_preference="email", flags={})
    db.session.add(c)
    db.session.flush()
    return c
