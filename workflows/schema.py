"""The JSON Schema for a definition file. Shape only; names are resolved by the loader."""

IDENT = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
ROLES = ["advisor", "caseworker", "team_lead", "admin", "resident"]  # "resident": the signed-in requester
CHANNELS = ["web", "api", "phone", "face_to_face", "email", "letter"]
# Add a type here, in workflows.validation.CHECKS and in workflows.forms.FIELD_BUILDERS.
QUESTION_TYPES = ["text", "textarea", "email", "phone", "radios", "address", "number", "date", "yes_no",
                  "checkboxes", "location", "file", "information"]
FILE_KINDS = ["jpeg", "png", "pdf", "gif", "webp"]
# What a question may be prefilled from (workflows.prefill says which question types each suits).
PREFILL_SOURCES = ["customer.full_name", "customer.email", "customer.phone", "property.uprn", "property.postcode",
                   "property.address"]

CONDITION = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "question": IDENT,
        "equals": {"type": ["string", "number", "boolean"]},
        "in": {"type": "array", "minItems": 1, "items": {"type": ["string", "number"]}},
        "answered": {"type": "boolean"},
        "not": {"$ref": "#/$defs/condition"},
        "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
        "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
    },
    "oneOf": [
        {"required": ["question"], "propertyNames": {"enum": ["question", "equals", "in", "answered"]}, "oneOf": [{"required": ["equals"]}, {"required": ["in"]}, {"required": ["answered"]}]},
        {"required": ["not"], "maxProperties": 1},
        {"required": ["all"], "maxProperties": 1},
        {"required": ["any"], "maxProperties": 1},
    ],
}
SHOW_IF = {"$ref": "#/$defs/condition"}

RULE_REF = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rule"],
    "properties": {"rule": IDENT, "params": {"type": "object"}},
}

QUESTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "type", "label"],
    "properties": {
        "id": IDENT,
        "type": {"enum": QUESTION_TYPES},
        "label": {"type": "string", "minLength": 1},
        "summary_label": {"type": "string", "minLength": 1},
        "error_if_missing": {"type": "string", "minLength": 1},
        "hint": {"type": "string"},
        "required": {"type": "boolean"},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
        "options_from": {"enum": ["property_containers"]},
        "options": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["value", "label"],
                "properties": {"value": {"type": "string", "minLength": 1}, "label": {"type": "string"}},
            },
        },
        "min": {"type": "number"},
        "max": {"type": "number"},
        "decimals": {"type": "boolean"},
        "min_days": {"type": "integer"},
        "max_days": {"type": "integer"},
        "accept": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": FILE_KINDS}},
        "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
        "max_files": {"type": "integer", "minimum": 1, "maximum": 10},
        "content": {"type": "string", "minLength": 1},
        "show_if": SHOW_IF,
        # address: offer "I can't find my address" and a typed address (not for a service that needs
        # the address's bins or subscriptions).
        "manual_entry": {"type": "boolean"},
        # Filled from what the council knows about a signed-in resident or an identified caller.
        "prefill": {
            "type": "object",
            "additionalProperties": False,
            "required": ["from"],
            "properties": {"from": {"enum": PREFILL_SOURCES}},
        },
        # location: the box a map point must fall in (south, north, west, east); else the council's.
        "bounds": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
    },
}

PAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "questions"],
    "properties": {
        "id": IDENT,
        "title": {"type": "string", "minLength": 1},
        "advisor_guidance": {"type": "string"},
        "questions": {"type": "array", "minItems": 1, "items": QUESTION},
        "rules": {"type": "array", "items": RULE_REF},
        "show_if": SHOW_IF,
    },
}

TRANSITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "to", "label", "roles"],
    "properties": {
        "name": IDENT,
        "to": IDENT,
        "label": {"type": "string", "minLength": 1},
        "roles": {"type": "array", "minItems": 1, "items": {"enum": ROLES}},
        "public_message": {"type": "string"},
        "notify": {"type": "boolean"},
        "requires_note": {"type": "boolean"},
        # Fields the caseworker must fill to make this move (stored on the event).
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "label"],
                "properties": {
                    "id": IDENT,
                    "label": {"type": "string", "minLength": 1},
                    "type": {"enum": ["text", "textarea", "radios"]},
                    "options": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                },
            },
        },
        # Names of transitions whose actor may not make this one (the complaint code's stage 1/stage 2 rule).
        "not_same_handler_as": {"type": "array", "minItems": 1, "items": IDENT},
        # Outbound webhooks fired after this transition; targets (url, secret) live in config.
        "webhooks": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["target"],
                "properties": {"target": IDENT},
            },
        },
    },
}

STATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["label", "category"],
    "properties": {
        "label": {"type": "string", "minLength": 1},
        "category": {"enum": ["open", "waiting", "closed"]},
        "resolution": IDENT,
        "public_description": {"type": "string"},
        # A clock for this state: due N working days after entering it (pauses in "waiting" states).
        "sla": {
            "type": "object",
            "additionalProperties": False,
            "required": ["working_days"],
            "properties": {"working_days": {"type": "integer", "minimum": 0, "maximum": 365}},
        },
        "transitions": {"type": "array", "items": TRANSITION},
    },
}

PENCE = {"type": "integer", "minimum": 0}

FEES = {
    "type": "object",
    "additionalProperties": False,
    "required": ["fund_code", "pricing", "items"],
    "properties": {
        "fund_code": {"type": "string", "minLength": 1, "maxLength": 32},
        "max_units": {"type": "integer", "minimum": 1, "maximum": 50},
        "pricing": {
            "type": "object",
            "additionalProperties": False,
            "required": ["model"],
            "properties": {
                "model": {"enum": ["single", "banded", "per_item"]},
                "price": PENCE,
                "minimum": PENCE,
                "bands": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["up_to", "price"],
                        "properties": {"up_to": {"type": "integer", "minimum": 1}, "price": PENCE},
                    },
                },
            },
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "label"],
                "properties": {
                    "code": IDENT,
                    "label": {"type": "string", "minLength": 1},
                    "price": PENCE,
                    "units": {"type": "integer", "minimum": 1, "maximum": 10},
                    "surcharge": PENCE,
                },
            },
        },
        "refund": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "before_cutoff": {"oneOf": [{"enum": ["full", "none"]}, {"type": "object", "properties": {"keep": PENCE}, "required": ["keep"], "additionalProperties": False}]},
                "after_cutoff": {"oneOf": [{"enum": ["full", "none"]}, {"type": "object", "properties": {"keep": PENCE}, "required": ["keep"], "additionalProperties": False}]},
            },
        },
        "refund_cheaper_amendment": {"type": "boolean"},
    },
}

BOOKING = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
        "cutoff": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
        "hold_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
        "round_stream": {"type": "string", "minLength": 1},
        "reminder_days": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 60}},
        # What an advisor says on each of the booking's own steps when booking for a caller.
        "advisor_guidance": {"type": "object", "additionalProperties": False,
                             "properties": {k: {"type": "string"} for k in ("items", "date", "payment")}},
    },
}

DEFINITION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Front Door workflow definition",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "version", "title", "summary", "team", "pages", "initial_state", "states"],
    "dependentRequired": {"dedupe": ["duplicate_state"], "duplicate": ["duplicate_state"]},
    "properties": {
        "id": IDENT,
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1, "maxLength": 120},
        "summary": {"type": "string", "minLength": 1},
        "lgsl": {"type": "integer", "minimum": 1},
        "team": IDENT,
        "channels": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": CHANNELS}},
        # Open311 publication: private unless public is true. A public service's requests (status,
        # dates, place) are listed to anyone; never make public a service about a person.
        "open311": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"public": {"type": "boolean"}},
        },
        "start": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "description": {"type": "string"},
                "cost": {"type": "string"},
                "time": {"type": "string"},
                "other_ways": {"type": "string"},
            },
        },
        "sla": {
            "type": "object",
            "additionalProperties": False,
            "required": ["working_days"],
            "properties": {"working_days": {"type": "integer", "minimum": 0, "maximum": 365}},
        },
        # Data protection: closed cases are anonymised this many days after closing.
        "retention": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"closed_days": {"type": "integer", "minimum": 1, "maximum": 36500}},
        },
        "customer_fields": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"name": IDENT, "email": IDENT, "phone": IDENT},
        },
        "property_question": IDENT,
        "dedupe": RULE_REF,
        "acknowledgement": {
            "type": "object",
            "additionalProperties": False,
            "required": ["subject", "body"],
            "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
        },
        "pages": {"type": "array", "minItems": 1, "items": PAGE},
        "initial_state": IDENT,
        # Where a report matching an earlier one by the dedupe rule goes (linked to the first).
        "duplicate_state": IDENT,
        # The generic duplicate rule: the same answers (and/or the same property) within N working days.
        "duplicate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["match", "within_working_days"],
            "properties": {
                "match": {"type": "array", "minItems": 1, "uniqueItems": True, "items": IDENT},
                "within_working_days": {"type": "integer", "minimum": 0, "maximum": 365},
                "message": {"type": "string", "minLength": 1},
            },
        },
        "states": {"type": "object", "minProperties": 1, "additionalProperties": STATE},
        # Paid, bookable services (bulky waste): prices and booking rules as data. See workflows/fees.py
        # and workflows/booking.py for what each key means.
        "fees": FEES,
        "booking": BOOKING,
        # Which team gets the case: the first entry whose condition holds, else `team`.
        "routing": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["team"],
                "properties": {"team": IDENT, "if": SHOW_IF, "ward": {"type": "array", "items": {"type": "string"}}},
            },
        },
    },
    "$defs": {"condition": CONDITION},
}
