"""The harness: the real Alembic migrations once per run, each test in a savepoint that rolls
back, real PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set (SQLite otherwise), a real
RQ worker in burst mode, login_as(role), and factories."""
from __future__ import annotations

from tests import faketime_compat

faketime_compat.install()  # first: before any library takes its own reference to time.sleep

import os  # noqa: E402
import re
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker
from flask_sqlalchemy.session import _app_ctx_id

from frontdoor.extensions import db, limiter

ROOT = Path(__file__).resolve().parent.parent
# One database per test run, so parallel runs on one server never collide.
TEST_DB_NAME = os.environ.get("TEST_DB_NAME") or f"frontdoor_test_{os.getpid()}"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    url = url.replace("postgresql://", "postgresql+psycopg://", 1).replace("postgres://", "postgresql+psycopg://", 1)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEST_DB_NAME} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {TEST_DB_NAME}"))
    admin.dispose()
    return make_url(url).set(database=TEST_DB_NAME).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url():
    url = _postgres_url()
    if url:
        yield url
        admin_url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {TEST_DB_NAME} WITH (FORCE)"))
        admin.dispose()
        return
    folder = tempfile.mkdtemp(prefix="frontdoor-sqlite-")
    yield f"sqlite:///{folder}/test.sqlite3"


@pytest.fixture(scope="session")
def redis_url():
    """A real Redis for the tests that need one, even in the SQLite pass (TEST_REDIS_URL)."""
    url = os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("Redis is needed: run the suite with scripts/test, or set REDIS_URL")
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from frontdoor.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": os.environ.get("REDIS_URL") or None,
            "RQ_QUEUE": f"frontdoor-test-{uuid.uuid4().hex[:8]}",
            "RATELIMIT_STORAGE_URI": "memory://",
            # Production's default: admins sign in with an authenticator code (factories enrol them).
            "STAFF_TWO_FACTOR": "admins",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _reset_rate_limits(app):
    # limits' MemoryStorage expires keys on a timer thread that indexes its dict without a lock:
    # clearing the dict while that thread runs raised KeyError in it. Let it finish first.
    with app.app_context():
        timer = getattr(getattr(limiter, "storage", None), "timer", None)
    if timer is not None and timer.is_alive():
        timer.join(5)
    limiter.reset()
    yield


@pytest.fixture
def session(app):
    """A test in one outer transaction; every commit the app makes releases a savepoint."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain SQLAlchemy Session: Flask-SQLAlchemy's own get_bind() ignores a session-level
        # bind and would quietly use a fresh connection outside the test's transaction.
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


def _truncate_all():
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as conn:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def committed(app):
    """For tests across threads or processes (browser, worker): real commits, emptied afterwards."""
    with app.app_context():
        _truncate_all()
        try:
            yield db.session
        finally:
            db.session.remove()
            _truncate_all()


@pytest.fixture
def inline_jobs(app):
    """Deliver outbox rows inline, whatever the pass, so what was sent (an emailed link) can be read at once."""
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = None
    yield
    app.config["REDIS_URL"] = previous


@pytest.fixture
def client(app, session):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(response) -> str:
    body = response.get_data(as_text=True)
    match = CSRF_RE.search(body)
    assert match, f"no CSRF token on the page ({response.status_code} {response.location or ''}): {body[body.find('<main'):][:1500]}"
    return match.group(1)


def post_form(client, url: str, data: dict, follow_redirects=False, get_url: str | None = None):
    """GET the page for its CSRF token, then POST like a browser would."""
    page = client.get(get_url or url)
    token = csrf_from(page)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow_redirects)


@pytest.fixture
def login_as(client, session):
    from tests import factories

    def login(role: str = "caseworker", teams=("waste",)):
        user = factories.staff(role=role, teams=teams)
        response = post_form(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if response.location.endswith("/staff/sign-in/code"):
            response = post_form(client, "/staff/sign-in/code", {"code": factories.totp_code(user)})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app, committed):
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail with the report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    checked = []

    def check(page):
        results = axe.run(page)
        checked.append(page.url)
        assert results.violations_count == 0, f"axe violations on {page.url}:\n{results.generate_report()}"

    check.pages = checked
    return check


@pytest.fixture
def plain_monday():
    """The clock at 10:00 London on a Monday of a week with five working days, running on from
    there: for tests whose expectation ("due this week") holds only early in such a week."""
    import time_machine

    from tests.clock import plain_week_monday

    moment = plain_week_monday()
    with time_machine.travel(moment, tick=True):
        yield moment
