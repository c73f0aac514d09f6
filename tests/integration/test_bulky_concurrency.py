"""The last places in a slot, fought over by parallel requests: never more bookings than places.

Each thread has its own app context, so its own session and database connection, and commits
like a request would. PostgreSQL: 50 attempts for the last 5 places. SQLite serialises writers,
so it runs fewer threads; it must still give exactly the places there are.
"""
import threading

from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Booking, BookingSlot
from frontdoor.services import bulky
from frontdoor.services.slots import SlotFull
from tests import factories
from tests.integration.bulky_helpers import bulky_slot


def test_fifty_parallel_attempts_for_the_last_five_places(app, committed):
    postgres = db.engine.dialect.name == "postgresql"
    attempts = 50 if postgres else 12
    slot = bulky_slot(capacity=40, booked=35)
    props = [factories.property_(number=i + 1) for i in range(attempts)]
    db.session.commit()
    slot_id, prop_ids = slot.id, [p.id for p in props]
    db.session.remove()

    barrier = threading.Barrier(attempts)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(prop_id):
        with app.app_context():
            try:
                barrier.wait(timeout=60)  # all start together; nothing is read before, so none holds a lock
                prop = db.session.get(factories.Property, prop_id)
                bulky.hold(prop, {"table": 1}, slot_id)
                unit_of_work.commit()
                outcome = "held"
            except SlotFull as exc:
                unit_of_work.rollback()
                outcome = str(exc)
            except Exception as exc:  # noqa: BLE001 - any other failure must show in the assertion
                unit_of_work.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(pid,)) for pid in prop_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert len(results) == attempts
    assert results.count("held") == 5, results
    assert results.count("That date is now full. Choose another date") == attempts - 5, results
    final = db.session.get(BookingSlot, slot_id)
    assert (final.held, final.booked, final.capacity) == (5, 35, 40)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 5
