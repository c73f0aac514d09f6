"""Demo data for every shipped service (besides missed bins and bulky waste, which demo.py and the
bookings code make), and some crews' collection records, so the demo shows each one."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import CollectionRecord, Property, StaffUser
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition, working_calendar
from workflows.rules import last_collection

PER_SERVICE = 4
WHAT = ["household", "furniture", "electrical", "building", "other"]
PLACES = ["Behind the shops on Mill Road", "In the lay-by on Station Road", "By the bottle bank in Market Place",
          "On the verge at the end of Kiln Lane", "In the alley between High Street and Chapel Street"]


def seed_collection_records(rng: random.Random, props: list[Property], today: date) -> int:
    """The last two collections of some bins: mostly emptied, a few not put out or contaminated."""
    made = 0
    for prop in rng.sample(props, min(150, len(props))):
        for container in prop.containers:
            rhythm = {"weekday": container.round.weekday, "frequency_weeks": container.round.frequency_weeks,
                      "week_offset": container.round.week_offset}
            latest = last_collection(rhythm, today - timedelta(days=1))
            for day in (latest, last_collection(rhythm, latest - timedelta(days=1))):
                roll = rng.random()
                outcome = "not_presented" if roll < 0.08 else "contaminated" if roll < 0.11 else "collected"
                db.session.add(CollectionRecord(container_id=container.id, collected_on=day, outcome=outcome))
                made += 1
    db.session.flush()
    return made


def _answers(service: str, rng: random.Random, prop: Property, person: dict, today: date) -> dict:
    past = lambda most: (today - timedelta(days=rng.randint(1, most))).isoformat()  # noqa: E731
    return {
        "fly_tipping": lambda: {"what": sorted(rng.sample(WHAT, rng.randint(1, 2)), key=WHAT.index),
                                "amount": rng.choice(["single", "car_boot", "van"]), "hazardous": rng.choice(["no", "no", "yes"]),
                                "location": {"description": rng.choice(PLACES), "lat": round(prop.latitude, 5),
                                             "lng": round(prop.longitude, 5)}},
        "replacement_container": lambda: {"address": prop.uprn, "request_type": "replacement", "reason": rng.choice(["lost", "broken"]),
                                          "container_stream": rng.choice(["general", "recycling"])},
        "council_tax_moving_in": lambda: {
            # One new-build home the address list does not have yet: typed in.
            "address": prop.uprn if rng.random() < 0.75 else {"manual": True, "line1": f"Plot {rng.randint(1, 40)}, Meadow View",
                                                               "town": "Demoton", "postcode": "DB9 1AA"},
            "move_in_date": past(30), "previous_address": "12 Old Road, Elsewhere, EL1 2AB", "adults": rng.randint(1, 3)},
        "council_tax_moving_out": lambda: {"address": prop.uprn, "move_out_date": past(20), "staying_in_area": "no",
                                           "forwarding_address": "4 New Street, Faraway, FA1 1AA"},
        "complaint": lambda: {"service": rng.choice(["waste", "council_tax", "streets"]),
                              "what_happened": "My bin was missed three weeks running and nobody called back.",
                              "happened_on": past(40), "outcome": "An apology and my bin emptied on the right day."},
        "foi_request": lambda: _foi_reply({"request": "How many missed bin reports did the council receive in each month of 2025?",
                                           "format": rng.choice(["email", "post"])}, prop),
        "missed_garden_waste": lambda: {"address": prop.uprn},
    }[service]() | person


def _foi_reply(answers: dict, prop: Property) -> dict:
    """A reply by post needs the postal address (foi_request v2 asks for it)."""
    return answers | ({"postal_address": prop.single_line} if answers["format"] == "post" else {})


def seed_services(rng: random.Random, echo, first_names: list[str], last_names: list[str]) -> None:
    from frontdoor.services.submissions import SubmissionRejected, submit
    from frontdoor.services.transitions import TransitionRefused, transition

    calendar = working_calendar()
    now = datetime.now(timezone.utc)
    today = calendar.local(now).date()
    props = list(db.session.scalars(select(Property).order_by(Property.id).limit(400)))
    if not props:
        return
    echo(f"Recorded {seed_collection_records(rng, props, today)} crew collection outcomes.")
    admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "admin").order_by(StaffUser.id).limit(1))
    made: dict[str, int] = {}
    for service in ("fly_tipping", "replacement_container", "council_tax_moving_in", "council_tax_moving_out",
                    "complaint", "foi_request", "missed_garden_waste"):
        found = definition(service)
        if found is None:
            continue
        for i in range(PER_SERVICE):
            prop = rng.choice(props)
            first, last = rng.choice(first_names), rng.choice(last_names)
            person = {"full_name": f"{first} {last}", "email": f"{first}.{last}.{service[:4]}{i}@example.com".lower()}
            when = datetime.combine(today - timedelta(days=rng.randint(1, 12)), time(rng.randint(8, 19), rng.randint(0, 59)),
                                    tzinfo=calendar.tz)
            try:
                case = submit(found, _answers(service, rng, prop, person, today), rng.choice(["web", "web", "phone"]),
                              None, Actor.system("Demo data"), now=when).case
            except SubmissionRejected:
                continue  # e.g. missed garden waste at an address without a subscription
            made[service] = made.get(service, 0) + 1
            # Move some along their first step, so the demo has cases in different states.
            step = next((t for t in found.state(case.state).transitions if not t.requires_note and not t.fields), None)
            if admin is not None and step is not None and i % 2 == 0:
                try:
                    transition(case, step.name, Actor.for_staff(admin), {}, now=when + timedelta(hours=20))
                except TransitionRefused:
                    pass
    echo("Made demo requests: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in made.items()) + ".")
