"""The app factory: wires settings, extensions and blueprints, nothing else."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, render_template, send_from_directory
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event

import config as settings
from frontdoor.extensions import csrf, db, limiter, login_manager, migrate
from workflows import load_directory


from frontdoor.ids import BoundedIntConverter


class FrontDoor(Flask):
    config_class = settings.FrozenConfig


def create_app(overrides: dict | None = None) -> Flask:
    cfg = settings.load(overrides)
    app = FrontDoor(__name__, instance_path=cfg["INSTANCE_PATH"], static_folder=None)
    app.url_map.converters["int"] = BoundedIntConverter  # before any route: a too-big id is a 404
    app.config.update(cfg)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    base = Path(__file__).resolve().parent.parent
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(base / "frontdoor" / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(base / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    _sqlite_pragmas(app)

    # A bad definition stops start-up here, naming file and path.
    app.extensions["frontdoor.workflows"] = load_directory(app.config["WORKFLOWS_DIR"])

    from frontdoor import api, auth, cli, ops, security, web
    from frontdoor.services import notifications  # noqa: F401  registers the outbox handler
    from frontdoor.services import retention  # noqa: F401  registers the file-removal handler
    from frontdoor.services import bulky, subscriptions  # noqa: F401  register payment success handlers

    _check_snapshots(app)
    auth.init_app(app)
    web.init_app(app)
    security.init_app(app)
    ops.init_app(app)
    cli.init_app(app)
    api.init_app(app)

    from caseworker.routes import bp as caseworker_bp
    from portal.routes import bp as portal_bp
    from portal.account_routes import bp as account_bp
    import caseworker.notifications_routes  # noqa: F401  adds /staff/notifications to the staff blueprint
    import portal.tell_us_once  # noqa: F401  prefills journeys for signed-in residents

    app.register_blueprint(portal_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(caseworker_bp, url_prefix="/staff")
    from frontdoor.metrics.views import bp as dashboards_bp

    app.register_blueprint(dashboards_bp, url_prefix="/staff/dashboards")

    from caseworker.bulky_routes import bp as staff_bulky_bp
    from portal.bulky_routes import bp as bulky_bp
    from portal.payment_routes import bp as payments_bp

    app.register_blueprint(bulky_bp, url_prefix="/bulky-waste")
    app.register_blueprint(payments_bp, url_prefix="/pay")
    app.register_blueprint(staff_bulky_bp, url_prefix="/staff/bulky")
    from caseworker.garden_routes import bp as staff_garden_bp
    from portal.garden_routes import bp as garden_bp

    app.register_blueprint(garden_bp, url_prefix="/garden-waste")
    from portal.manage import bp as manage_bp

    app.register_blueprint(manage_bp, url_prefix="/manage")
    from portal.bin_day_routes import bp as bin_day_bp

    app.register_blueprint(bin_day_bp, url_prefix="/bin-day")
    from caseworker.alert_routes import bp as staff_alerts_bp

    app.register_blueprint(staff_alerts_bp, url_prefix="/staff/alerts")
    app.register_blueprint(staff_garden_bp, url_prefix="/staff/garden-waste")
    from frontdoor.privacy import bp as privacy_bp

    app.register_blueprint(privacy_bp)

    assets_dir = app.config["ASSETS_DIR"]

    @app.get("/assets/<path:filename>")
    def assets(filename):
        if not Path(assets_dir).is_dir():
            abort(404)
        return send_from_directory(assets_dir, filename, max_age=3600)

    @app.get("/accessibility")
    def accessibility():
        return render_template("accessibility.html")

    if app.config.get("BENCH_ENDPOINTS"):  # load-test baselines; never set in production
        from frontdoor import bench_endpoints

        bench_endpoints.init_app(app)

    from frontdoor import jobs, unit_of_work

    jobs.register_after_commit_hooks()
    unit_of_work.wrap_views(app)  # last: every view registered above runs in the one unit of work
    app.config.freeze(cfg.keys())
    return app


def _check_snapshots(app: Flask) -> None:
    """A definition whose content changed without a version bump stops start-up, like any bad file.
    No database yet (first run, before migrations) means nothing to compare: checked at first use."""
    from sqlalchemy.exc import OperationalError

    from frontdoor.services.workflow_versions import check_against_snapshots
    from workflows import DefinitionError

    with app.app_context():
        try:
            problems = check_against_snapshots(app.extensions["frontdoor.workflows"].all())
        except OperationalError:
            return
    if problems:
        raise DefinitionError(problems)


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite: foreign keys on, WAL, and transactions SQLAlchemy controls (so SAVEPOINT works)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
