"""flask commands: seed-demo, outbox sweep, workflows check, gazetteer import."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from frontdoor import unit_of_work
from workflows import DefinitionError, load_directory


def init_app(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(workflows_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(metrics_group)
    app.cli.add_command(collections_group)
    app.cli.add_command(customers_group)
    app.cli.add_command(gazetteer_group)


@click.command("seed-demo")
@click.option("--properties", default=2400, show_default=True, help="How many properties the demo town has.")
@click.option("--seed", default=20261123, show_default=True, help="Random seed, for a repeatable town.")
@click.option("--scale", default=0, type=click.IntRange(min=0), help="Also generate this many contacts of history "
              "(24 months; cases = contacts / 5) by bulk insert, then rebuild the dashboards' rollups.")
@with_appcontext
def seed_demo(properties: int, seed: int, scale: int):
    """Build the demo town: properties, rounds, teams, staff, customers and cases."""
    from frontdoor.demo import seed_town

    if scale:
        from frontdoor.demo_scale import generate
        from frontdoor.extensions import db

        generate(scale, seed=seed, echo=click.echo, progress=click.progressbar)
        unit_of_work.commit()
        if db.engine.dialect.name == "postgresql":
            # Set the visibility map after the bulk load (VACUUM cannot run in a transaction), so
            # "open cases past due" is an index-only scan from the first page on.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in ("cases", "contacts"):
                    conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        return
    seed_town(properties=properties, seed=seed, echo=click.echo, progress=click.progressbar)


@click.group("workflows")
def workflows_group():
    """Check and show workflow definitions."""


@workflows_group.command("check")
@click.option("--dir", "folder", default=None, help="Folder of definitions (default: the app's).")
def workflows_check(folder):
    """Validate every definition; exit non-zero with precise messages."""
    import config

    folder = folder or config.load()["WORKFLOWS_DIR"]
    try:
        registry = load_directory(folder)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    for definition in registry.all():
        click.echo(f"ok  {definition.id} v{definition.version}  {definition.title}")


@workflows_group.command("show")
@click.argument("workflow_id")
@click.option("--dir", "folder", default=None, help="Folder of definitions (default: the app's).")
@click.option("--mermaid-only", is_flag=True, help="Print only the Mermaid diagram.")
def workflows_show(workflow_id, folder, mermaid_only):
    """States and transitions of one definition, as text and as a Mermaid diagram."""
    import config
    from workflows.describe import as_mermaid, as_text

    folder = folder or config.load()["WORKFLOWS_DIR"]
    try:
        registry = load_directory(folder)
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    definition = registry.get(workflow_id)
    if definition is None:
        click.echo(f"no definition {workflow_id!r}; known: {', '.join(d.id for d in registry.all())}", err=True)
        sys.exit(1)
    if not mermaid_only:
        click.echo(as_text(definition))
        click.echo("\n```mermaid")
    click.echo(as_mermaid(definition))
    if not mermaid_only:
        click.echo("```")


@workflows_group.command("schema")
@click.option("--output", default=None, help="Write to this file (default: print).")
def workflows_schema(output):
    """The JSON Schema of the definition format (docs/workflow.schema.json is this, kept current by a test)."""
    from pathlib import Path

    from workflows.describe import schema_json

    if output:
        Path(output).write_text(schema_json(), encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(schema_json(), nl=False)


@click.group("outbox")
def outbox_group():
    """The outbox of side effects."""


@outbox_group.command("sweep")
@click.option("--older-than", default=60, show_default=True, help="Seconds a row must have been pending.")
@with_appcontext
def outbox_sweep(older_than):
    """Re-dispatch pending rows (after Redis was down or a worker died)."""
    from frontdoor.jobs import sweep_outbox

    count = sweep_outbox(older_than)
    click.echo(f"re-dispatched {count} pending outbox rows ({'RQ' if current_app.config.get('REDIS_URL') else 'inline'})")


@click.group("metrics")
def metrics_group():
    """The dashboards' rollup tables."""


@metrics_group.command("rebuild")
@with_appcontext
def metrics_rebuild():
    """Recompute every rollup from the base tables (after a bulk load, or to check the incremental ones)."""
    from frontdoor.metrics import rollups

    rollups.rebuild(echo=click.echo)
    unit_of_work.commit()


@metrics_group.command("apply")
@with_appcontext
def metrics_apply():
    """Apply pending rollup rows now (what the job does after each commit)."""
    from frontdoor.metrics import rollups

    click.echo(f"applied {rollups.catch_up()} pending rows")


@click.group("collections")
def collections_group():
    """Crews' collection records."""


@collections_group.command("import")
@click.argument("sheet", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def collections_import(sheet):
    """Import a round sheet (CSV: uprn, date, container, outcome). Safe to run again on the same file."""
    from frontdoor.services.collection_records import import_sheet

    report = import_sheet(sheet)
    unit_of_work.commit()
    for problem in report.problems:
        click.echo(f"{Path(sheet.name).name}: {problem}", err=True)
    click.echo(f"{report.created} added, {report.updated} changed, {report.unchanged} already recorded, "
               f"{len(report.problems)} rows refused")
    if report.problems:
        sys.exit(1)


@click.group("customers")
def customers_group():
    """Customer records."""


@customers_group.command("reindex")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 50_000))
@with_appcontext
def customers_reindex(batch_size):
    """Back-fill search columns (name key, normalised email and phone) and the names table; safe to re-run."""
    from frontdoor.services.customer_reindex import reindex

    counts = reindex(batch_size, unit_of_work.commit, click.echo)
    click.echo(f"reindexed: {counts.customers} customers filled, {counts.names} names added, {counts.batches} batches")


@click.group("gazetteer")
def gazetteer_group():
    """The council's addresses."""


@gazetteer_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["abp", "dtf"]), default=None,
              help="abp: Ordnance Survey AddressBase Plus CSV; dtf: an LLPG export in NLPG DTF 8.1. "
                   "Default: told from the first line.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 10_000),
              help="Records per committed batch (SQLite allows about 32,000 values in one IN list).")
@with_appcontext
def gazetteer_import(path, fmt, batch_size):
    """Import a full supply or a change-only update; safe to run again on the same file."""
    from frontdoor.services.gazetteer import Rejected, import_file

    with path.open("rb") as raw, click.progressbar(length=path.stat().st_size, label=f"importing {path.name}",
                                                   file=sys.stderr) as bar:
        try:
            report = import_file(raw, fmt=fmt, batch_size=batch_size, commit=unit_of_work.commit,
                                 on_progress=bar.update)
        except Rejected as exc:
            raise click.ClickException(str(exc)) from None
    unit_of_work.commit()
    for rejection in report.rejected:
        click.echo(f"{path.name}:{rejection.line}: {rejection.reason}", err=True)
    if report.rejected_count > len(report.rejected):
        click.echo(f"... and {report.rejected_count - len(report.rejected)} more rejected lines", err=True)
    click.echo(f"{path.name} ({report.format}, {report.lines} lines)")
    for line in report.summary_lines():
        click.echo(line)
