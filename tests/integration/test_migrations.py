"""Exactly one Alembic head, and the models match the migrations."""
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]


def test_exactly_one_alembic_head():
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"


def test_models_match_migrations(app, session):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from frontdoor.extensions import db

    context = MigrationContext.configure(session.connection(), opts={"compare_type": False})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from the migrations: {diff}"
