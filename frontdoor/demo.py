"""The demo town: a generated gazetteer, rounds, teams, staff, customers and cases."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import CollectionRound, Container, Customer, Property, StaffUser, Team
from frontdoor import unit_of_work
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition, working_calendar
from workflows.rules import last_collection

STREETS = [
    "High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road", "Queens Road",
    "Kings Road", "Manor Way", "Orchard Close", "Meadow View", "School Lane", "The Green", "Chapel Street",
    "Bridge Street", "Elm Grove", "Oak Drive", "Willow Walk", "Beech Road", "Cedar Close", "Ash Grove",
    "Market Place", "North Street", "South Street", "West End", "Albert Road", "York Road", "Windsor Drive",
    "Grange Road", "Springfield Road", "Riverside", "Canal Street", "Hillside", "Valley Road", "Cross Street",
    "New Road", "Castle Street", "Abbey Road", "Priory Close", "Forge Lane", "Kiln Lane", "Tannery Row",
]
WARDS = ["Abbey", "Castle", "Meadows", "Riverside", "Station", "Westfield"]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran", "Lily",
         "Mo", "Niamh", "Oliver", "Priya", "Sam", "Tom", "Una", "Zara"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Roberts", "Smith", "Taylor", "Williams"]
TEAMS = [("waste", "Waste services"), ("customer_services", "Customer services"), ("revenues", "Council tax"),
         ("complaints", "Complaints"), ("foi", "Information governance"), ("environment", "Street scene")]
STAFF = [
    ("advisor@demo.frontdoor", "Alex Advisor", "advisor", ["customer_services"]),
    ("caseworker@demo.frontdoor", "Casey Caseworker", "caseworker", ["waste"]),
    ("lead@demo.frontdoor", "Lee Lead", "team_lead", ["waste", "customer_services"]),
    ("admin@demo.frontdoor", "Ada Admin", "admin", [t for t, _ in TEAMS]),
]
DEMO_PASSWORD = "demo-password-2026"


def ensure_teams() -> dict[str, Team]:
    teams = {t.slug: t for t in db.session.scalars(select(Team))}
    for slug, name in TEAMS:
        if slug not in teams:
            teams[slug] = Team(slug=slug, name=name)
            db.session.add(teams[slug])
    db.session.flush()
    return teams


def ensure_staff(teams: dict[str, Team], echo) -> None:
    for email, name, role, team_slugs in STAFF:
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            user = StaffUser(email=email, name=name, role=role, teams=[teams[s] for s in team_slugs])
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
    db.session.flush()
    echo("Demo staff sign-ins (at /staff/sign-in), password for all: " + DEMO_PASSWORD)
    for email, _name, role, _teams in STAFF:
        echo(f"  {role:<11} {email}")


def ensure_rounds() -> dict[tuple[str, int], CollectionRound]:
    rounds = {(r.stream, r.weekday): r for r in db.session.scalars(select(CollectionRound))}
    for weekday, day in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri"]):
        for stream, every, offset in (("refuse", 2, 0), ("recycling", 2, 1), ("food", 1, 0), ("garden", 2, 0)):
            if (stream, weekday) not in rounds:
                rounds[(stream, weekday)] = CollectionRound(
                    name=f"{stream.title()} {day}", stream=stream, weekday=weekday, frequency_weeks=every, week_offset=offset
                )
                db.session.add(rounds[(stream, weekday)])
    db.session.flush()
    return rounds


def open_bulky_slots(days: int = 56, capacity: int = 40) -> int:
    """Bulky waste rounds (one a weekday) with a day's capacity on each working day ahead."""

    from frontdoor.services.slots import ensure_slot

    rounds = {r.weekday: r for r in db.session.scalars(select(CollectionRound).where(CollectionRound.stream == "bulky"))}
    for weekday, day in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri"]):
        if weekday not in rounds:
            rounds[weekday] = CollectionRound(name=f"Bulky {day}", stream="bulky", weekday=weekday)
            db.session.add(rounds[weekday])
    db.session.flush()
    calendar = working_calendar()
    today = calendar.local(datetime.now(timezone.utc)).date()  # the council's today, not the host's
    opened = 0
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if calendar.is_working_day(day) and day.weekday() in rounds:
            ensure_slot(rounds[day.weekday()].id, day, capacity)
            opened += 1
    return opened


def seed_town(properties: int = 2400, seed: int = 1, echo=print, progress=None) -> None:
    rng = random.Random(seed)
    teams = ensure_teams()
    rounds = ensure_rounds()
    existing = db.session.scalar(select(func.count(Property.id)))
    if existing:
        echo(f"The demo town is already here ({existing} properties); adding nothing to it.")
    else:
        _make_properties(properties, rng, rounds, echo, progress)
    ensure_staff(teams, echo)
    echo(f"Opened {open_bulky_slots()} bulky waste collection days (40 places each) for the next 8 weeks.")
    if not db.session.scalar(select(func.count(Customer.id))):
        from frontdoor.demo_services import seed_services

        seed_services(rng, echo, FIRST, LAST)  # crews' records first: the missed-bin rule reads them
        _make_cases(rng, echo)
    unit_of_work.commit()


def _make_properties(count: int, rng: random.Random, rounds, echo, progress) -> None:
    labels = {"refuse": "Black general waste bin", "recycling": "Blue recycling bin", "food": "Food waste caddy",
              "garden": "Green garden waste bin"}
    per_street = max(1, count // len(STREETS) + 1)
    made = 0
    bar = progress(length=count, label="Building the demo town") if progress else None
    if bar:
        bar.__enter__()
    try:
        for s, street in enumerate(STREETS):
            ward = WARDS[s % len(WARDS)]
            district = 1 + s // 8
            weekday = s % 5
            for n in range(1, per_street + 1):
                if made >= count:
                    break
                sector, unit = (n - 1) // 15, (n - 1) % 15
                postcode = f"DB{district} {sector + 1}{'ABDEFGHJLNPQRSTUWXYZ'[s % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[unit]}"
                prop = Property(
                    uprn=str(100000000000 + made + 1),
                    address_line1=f"{n} {street}",
                    town="Demoton",
                    postcode=postcode,
                    ward=ward,
                    latitude=52.0 + s * 0.002 + n * 0.00005,
                    longitude=-1.5 + s * 0.002,
                )
                db.session.add(prop)
                streams = ["refuse", "recycling", "food"] + (["garden"] if rng.random() < 0.35 else [])
                for stream in streams:
                    prop.containers.append(
                        Container(stream=stream, label=labels[stream], size_litres=240 if stream != "food" else 23,
                                  round=rounds[(stream, weekday)])
                    )
                made += 1
                if bar and made % 100 == 0:
                    bar.update(100)
            db.session.flush()
    finally:
        if bar:
            bar.update(made % 100)
            bar.__exit__(None, None, None)
    echo(f"Made {made} properties in {len(STREETS)} streets and {len(WARDS)} wards.")


def _make_cases(rng: random.Random, echo) -> None:
    from frontdoor.services.submissions import SubmissionRejected, submit

    missed_bin = definition("missed_bin")
    if missed_bin is None:
        return
    props = list(db.session.scalars(select(Property).order_by(Property.id).limit(400)))
    calendar = working_calendar()
    made = 0
    for i in range(60):
        prop = rng.choice(props)
        container = rng.choice(prop.containers)
        today = datetime.now(timezone.utc).astimezone(calendar.tz).date()
        collection = last_collection(
            {"weekday": container.round.weekday, "frequency_weeks": container.round.frequency_weeks,
             "week_offset": container.round.week_offset},
            today - timedelta(days=rng.randint(0, 60)),
        )
        when = datetime.combine(collection, time(18, rng.randint(0, 59)), tzinfo=calendar.tz)
        if when > datetime.now(timezone.utc):
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        answers = {"address": prop.uprn, "container": str(container.id), "full_name": f"{first} {last}",
                   "email": f"{first}.{last}{i}@example.com".lower(), "phone": f"07{rng.choice([4, 5, 7, 8, 9])}{rng.randint(10, 99)} {rng.randint(100000, 999999)}"}
        try:
            submit(missed_bin, answers, rng.choice(["web", "web", "web", "phone"]), None, Actor.system("Demo data"),
                   now=when)
            made += 1
        except SubmissionRejected:
            continue
    echo(f"Made {made} demo missed bin reports.")
    _make_answered_calls(rng, echo)


def _make_answered_calls(rng: random.Random, echo) -> None:
    """Calls an advisor answered there and then (bin days, council tax questions) over the last
    weeks, so a fresh demo's first-contact resolution reads like a real contact centre's."""
    from frontdoor.services.contacts import record_contact

    advisor = db.session.scalar(select(StaffUser).where(StaffUser.role == "advisor").order_by(StaffUser.id))
    customers = list(db.session.scalars(select(Customer).order_by(Customer.id).limit(200)))
    if advisor is None or not customers:
        return
    now = datetime.now(timezone.utc)
    for _ in range(30):
        when = now - timedelta(days=rng.randint(1, 50), minutes=rng.randint(0, 600))
        record_contact(channel=rng.choice(["phone", "phone", "phone", "face_to_face"]),
                       reason=rng.choice(["missed_bin", "council_tax_moving_in", "bulky_waste"]),
                       outcome=rng.choice(["resolved_first_contact"] * 3 + ["handed_off"]),
                       customer=rng.choice(customers), staff=advisor, duration_seconds=rng.randint(90, 600),
                       started_at=when)
    echo("Made 30 demo calls answered by advisors.")
