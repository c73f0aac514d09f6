"""A definition's states and transitions as text and as a Mermaid diagram (for `flask workflows show`)."""
from __future__ import annotations

import json

from workflows.definition import Definition
from workflows.schema import DEFINITION_SCHEMA


def as_text(definition: Definition) -> str:
    lines = [f"{definition.id} v{definition.version}: {definition.title}", f"team: {definition.team}"]
    if definition.sla_working_days is not None:
        lines.append(f"SLA: {definition.sla_working_days} working days")
    lines.append(f"initial state: {definition.initial_state}")
    for state in definition.states.values():
        extra = f", resolution {state.resolution}" if state.resolution else ""
        clock = f", SLA {state.sla_working_days} working days" if state.sla_working_days is not None else ""
        lines.append(f"\n[{state.id}] {state.label} ({state.category}{extra}{clock})")
        for t in state.transitions:
            needs = []
            if t.requires_note:
                needs.append("note")
            needs += [f["id"] for f in t.fields]
            parts = [f"  {t.name}: -> {t.to}  \"{t.label}\"  roles: {', '.join(t.roles)}"]
            if needs:
                parts.append(f"needs: {', '.join(needs)}")
            if t.notify:
                parts.append("notifies the resident")
            if t.not_same_handler_as:
                parts.append(f"not by whoever did: {', '.join(t.not_same_handler_as)}")
            lines.append("  ".join(parts))
    return "\n".join(lines)


def as_mermaid(definition: Definition) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial_state}"]
    for state in definition.states.values():
        lines.append(f"    {state.id} : {state.label.replace(':', ' ')}")
    for state in definition.states.values():
        for t in state.transitions:
            lines.append(f"    {state.id} --> {t.to} : {t.label.replace(':', ' ')}")
        if state.category == "closed":
            lines.append(f"    {state.id} --> [*]")
    return "\n".join(lines)


def schema_json() -> str:
    return json.dumps(DEFINITION_SCHEMA, indent=2, sort_keys=False) + "\n"
