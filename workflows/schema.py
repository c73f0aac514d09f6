"""The JSON Schema for a definition file. Shape only; names are resolved by the loader."""

IDENT = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
ROLES = ["advisor", "caseworker", "team_lead", "admin"]
CHANNELS = ["web", "api", "phone", "face_to_face", "email", "letter"]
QUESTION_TYPES = ["text", "textarea", "email", "phone", "radios", "address"]

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
        "transitions": {"type": "array", "items": TRANSITION},
    },
}

DEFINITION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Front Door workflow definition",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "version", "title", "summary", "team", "pages", "initial_state", "states"],
    "dependentRequired": {"dedupe": ["duplicate_state"]},
    "properties": {
        "id": IDENT,
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1, "maxLength": 120},
        "summary": {"type": "string", "minLength": 1},
        "lgsl": {"type": "integer", "minimum": 1},
        "team": IDENT,
        "channels": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": CHANNELS}},
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
        "states": {"type": "object", "minProperties": 1, "additionalProperties": STATE},
    },
}
