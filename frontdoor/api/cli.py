"""flask api-keys create/list/revoke, and the webhook dead-letter list with retry."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from frontdoor.models.api import SCOPES


def init_app(app):
    app.cli.add_command(api_keys_group)
    app.cli.add_command(webhooks_group)


@click.group("api-keys")
def api_keys_group():
    """API keys for Open311 and JSON API clients."""


@api_keys_group.command("create")
@click.option("--client", required=True, help="Who the key is for, e.g. 'FixMyStreet'.")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES), default=("read", "write"), show_default=True)
@click.option("--transition", "transitions", multiple=True,
              help="A transition the key may make (repeat for more); none: what a caseworker may make.")
@with_appcontext
def create(client, scopes, transitions):
    """Create a key; its secret is printed once and only its hash is kept."""
    from frontdoor import unit_of_work
    from frontdoor.services import api_keys

    try:
        with unit_of_work.unit():  # committed before the secret is shown
            key, secret = api_keys.create(client, list(scopes), created_by="flask api-keys create",
                                          transitions=list(transitions))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(f"key {key.id} for {key.client} ({', '.join(key.scopes)})")
    click.echo(f"secret (shown once): {secret}")


@api_keys_group.command("list")
@with_appcontext
def list_keys():
    from frontdoor.services import api_keys

    for key in api_keys.all_keys():
        state = "revoked" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}…\t{key.client}\t{','.join(key.scopes)}\t{state}")


@api_keys_group.command("revoke")
@click.argument("key_id", type=int)
@with_appcontext
def revoke(key_id):
    from frontdoor import unit_of_work
    from frontdoor.services import api_keys

    with unit_of_work.unit():
        key = api_keys.revoke(key_id)
    if key is None:
        raise click.ClickException(f"no key {key_id}")
    click.echo(f"revoked key {key.id} for {key.client}")


@click.group("webhooks")
def webhooks_group():
    """Outbound webhooks that used up their retries."""


@webhooks_group.command("dead-letters")
@with_appcontext
def dead_letters():
    from frontdoor.services import webhooks

    for m in webhooks.dead_letters():
        click.echo(f"{m.id}\t{m.kind}\t{m.attempts} attempts\t{(m.last_error or '')[:100]}")


@webhooks_group.command("retry")
@click.argument("message_id", type=int)
@with_appcontext
def retry(message_id):
    from frontdoor import unit_of_work
    from frontdoor.services import webhooks

    with unit_of_work.unit():  # the commit's hook dispatches the row again
        if webhooks.retry_dead_letter(message_id) is None:
            raise click.ClickException(f"outbox row {message_id} is not a dead letter")
    click.echo(f"outbox row {message_id} queued again")
