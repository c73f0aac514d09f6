"""Shared set-up for API tests: keys, a reportable property, XML parsing."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from frontdoor.extensions import db
from frontdoor.services import api_keys
from tests import factories
from tests.integration.helpers import property_collected_yesterday_evening


def key(client="FixMyStreet", scopes=("read", "write")):
    _, secret = api_keys.create(client, list(scopes))
    # Commit the set-up (a savepoint in tests): a refused request rolls back only its own work.
    db.session.commit()
    return secret


def setup_property():
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    db.session.commit()
    return prop


def xml(response):
    assert response.mimetype == "text/xml", response.mimetype
    return ET.fromstring(response.get_data())


def request_form(prop, secret, **extra):
    form = {"api_key": secret, "service_code": "missed_bin", "address_id": prop.uprn,
            "attribute[container]": "refuse", "first_name": "Sam", "last_name": "Resident",
            "email": "sam@example.com", "description": "Bin left on the pavement"}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}
