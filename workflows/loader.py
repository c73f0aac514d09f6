"""Load definition files: YAML, then the schema, then every name resolved. Errors name file and path."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterable

import yaml
from jsonschema import Draft202012Validator

from workflows.definition import Definition, Page, Question, RuleRef, State, Transition
from workflows.errors import DefinitionError
from workflows.prefill import SUITS
from workflows.rules import NEEDS_PROPERTY, REGISTRY
from workflows.schema import DEFINITION_SCHEMA

_validator = Draft202012Validator(DEFINITION_SCHEMA)


def format_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _schema_problems(data: Any) -> list[tuple[str, str]]:
    problems = []
    for error in sorted(_validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message
        if error.validator == "enum":
            message = f"{error.instance!r} is not one of {', '.join(map(repr, error.validator_value))}"
        elif error.validator == "pattern":
            message = f"{error.instance!r} must be lower case letters, digits and underscores, starting with a letter"
        problems.append((format_path(error.absolute_path), message))
    return problems


def _check_rule(path: str, ref: dict, kind: str, question_ids: set[str]) -> list[tuple[str, str]]:
    spec = REGISTRY.get(ref["rule"])
    if spec is None:
        return [(f"{path}.rule", f"unknown rule {ref['rule']!r}; known rules: {', '.join(sorted(REGISTRY))}")]
    if spec.kind != kind:
        return [(f"{path}.rule", f"rule {ref['rule']!r} is a {spec.kind} rule and cannot be used here")]
    problems = []
    params = ref.get("params") or {}
    for name, value in params.items():
        if name not in spec.params:
            problems.append((f"{path}.params.{name}", f"unknown parameter for rule {ref['rule']!r}"))
            continue
        want = spec.params[name]
        if not isinstance(value, want["type"]) or isinstance(value, bool):
            problems.append((f"{path}.params.{name}", f"must be a {want['type'].__name__}"))
        elif "pattern" in want and isinstance(value, str) and not re.match(want["pattern"], value):
            problems.append((f"{path}.params.{name}", f"{value!r} is not in the form HH:MM"))
        elif want.get("question") and value not in question_ids:
            problems.append((f"{path}.params.{name}", f"unknown question {value!r}"))
    for name, want in spec.params.items():
        if want.get("required") and name not in params:
            problems.append((f"{path}.params", f"rule {ref['rule']!r} needs the parameter {name!r}"))
    return problems


ONLY_FOR = {
    "min": ("number",), "max": ("number",), "decimals": ("number",),
    "min_days": ("date",), "max_days": ("date",),
    "accept": ("file",), "max_size_mb": ("file",), "max_files": ("file",),
    "content": ("information",),
    "options": ("radios", "checkboxes"), "options_from": ("radios",),
    "manual_entry": ("address",), "bounds": ("location",),
}


def _question_problems(qpath: str, q: dict) -> list[tuple[str, str]]:
    problems = []
    kind = q["type"]
    for key, types in ONLY_FOR.items():
        if key in q and kind not in types:
            problems.append((f"{qpath}.{key}", f"a {kind} question cannot have {key}"))
    if kind == "radios" and not (q.get("options") or q.get("options_from")):
        problems.append((qpath, "a radios question needs options or options_from"))
    if kind == "checkboxes" and not q.get("options"):
        problems.append((qpath, "a checkboxes question needs options"))
    if kind == "information" and not q.get("content"):
        problems.append((qpath, "an information block needs content"))
    if kind == "file" and not q.get("accept"):
        problems.append((qpath, "a file question needs accept (the kinds of file allowed)"))
    for low, high in (("min", "max"), ("min_days", "max_days")):
        if low in q and high in q and q[low] > q[high]:
            problems.append((f"{qpath}.{low}", f"{low} ({q[low]}) is more than {high} ({q[high]})"))
    if "prefill" in q and kind not in SUITS[q["prefill"]["from"]]:
        problems.append((f"{qpath}.prefill.from", f"{q['prefill']['from']!r} cannot fill a {kind} question "
                                                  f"(it suits {', '.join(SUITS[q['prefill']['from']])})"))
    if "bounds" in q:
        south, north, west, east = q["bounds"]
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            problems.append((f"{qpath}.bounds", "must be [south, north, west, east] with south < north and west < east"))
    values = [o["value"] for o in q.get("options", [])]
    if len(values) != len(set(values)):
        problems.append((f"{qpath}.options", "option values must be different"))
    return problems


def _condition_problems(path: str, condition, earlier: set[str], questions: dict) -> list[tuple[str, str]]:
    if not condition:
        return []
    problems = []
    for key in ("all", "any"):
        for n, c in enumerate(condition.get(key, [])):
            problems += _condition_problems(f"{path}.{key}[{n}]", c, earlier, questions)
    if "not" in condition:
        problems += _condition_problems(f"{path}.not", condition["not"], earlier, questions)
    qid = condition.get("question")
    if qid is not None:
        if qid not in questions:
            problems.append((f"{path}.question", f"unknown question {qid!r}"))
        elif qid not in earlier:
            problems.append((f"{path}.question", f"question {qid!r} must be asked on an earlier page"))
        else:
            q = questions[qid]
            allowed = {o["value"] for o in q.get("options", [])} | ({"yes", "no"} if q["type"] == "yes_no" else set())
            wanted = ([condition["equals"]] if "equals" in condition else []) + list(condition.get("in", []))
            if allowed and not q.get("options_from"):
                for value in wanted:
                    if str(value) not in allowed:
                        problems.append((f"{path}", f"{value!r} is not an answer question {qid!r} can have"))
    return problems


def _manual_entry_problems(data: dict, pq: str | None) -> list[tuple[str, str]]:
    """A typed address has no bins or subscriptions: refuse it where the service reads them."""
    problems = []
    needs = [q["id"] for p in data["pages"] for q in p["questions"] if q.get("options_from")]
    needs += [r["rule"] for p in data["pages"] for r in p.get("rules", []) if r["rule"] in NEEDS_PROPERTY]
    for i, page in enumerate(data["pages"]):
        for j, q in enumerate(page["questions"]):
            if q.get("manual_entry") and q["id"] != pq:
                problems.append((f"pages[{i}].questions[{j}].manual_entry",
                                 "only the property_question can take a typed address"))
            elif q.get("manual_entry") and needs:
                problems.append((f"pages[{i}].questions[{j}].manual_entry",
                                 f"a typed address cannot be used here: {needs[0]!r} needs the address's records"))
    return problems


def _duplicate_problems(data: dict, questions: dict) -> list[tuple[str, str]]:
    dup = data.get("duplicate")
    if not dup:
        return []
    problems = []
    if "dedupe" in data:
        problems.append(("duplicate", "use either dedupe (a named rule) or duplicate, not both"))
    askable = sorted(qid for qid, q in questions.items() if q["type"] not in ("information", "file"))
    for n, name in enumerate(dup["match"]):
        if name == "property":
            if not data.get("property_question"):
                problems.append((f"duplicate.match[{n}]", "'property' needs a property_question"))
        elif name not in questions:
            problems.append((f"duplicate.match[{n}]", f"unknown field {name!r}; use 'property' or one of: {', '.join(askable)}"))
        elif questions[name]["type"] in ("information", "file"):
            problems.append((f"duplicate.match[{n}]", f"question {name!r} is a {questions[name]['type']} question and cannot be matched"))
    return problems


def _semantic_problems(data: dict, file_stem: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if data["id"] != file_stem:
        problems.append(("id", f"{data['id']!r} does not match the file name {file_stem!r}"))
    questions: dict[str, dict] = {}
    seen_pages: set[str] = set()
    for i, page in enumerate(data["pages"]):
        if page["id"] in seen_pages:
            problems.append((f"pages[{i}].id", f"duplicate page id {page['id']!r}"))
        seen_pages.add(page["id"])
        for j, q in enumerate(page["questions"]):
            qpath = f"pages[{i}].questions[{j}]"
            if q["id"] in questions:
                problems.append((f"{qpath}.id", f"duplicate question id {q['id']!r}"))
            questions[q["id"]] = q
            problems += _question_problems(qpath, q)
    # show_if may only read answers given on earlier pages: a page is judged before it is shown.
    earlier: set[str] = set()
    for i, page in enumerate(data["pages"]):
        problems += _condition_problems(f"pages[{i}].show_if", page.get("show_if"), earlier, questions)
        for j, q in enumerate(page["questions"]):
            problems += _condition_problems(f"pages[{i}].questions[{j}].show_if", q.get("show_if"), earlier, questions)
        earlier |= {q["id"] for q in page["questions"]}
    for k, route in enumerate(data.get("routing", [])):
        problems += _condition_problems(f"routing[{k}].if", route.get("if"), set(questions), questions)
    for i, page in enumerate(data["pages"]):
        for k, ref in enumerate(page.get("rules", [])):
            problems += _check_rule(f"pages[{i}].rules[{k}]", ref, "page", set(questions))
    if "dedupe" in data:
        problems += _check_rule("dedupe", data["dedupe"], "dedupe", set(questions))
    for field, qid in (data.get("customer_fields") or {}).items():
        if qid not in questions:
            problems.append((f"customer_fields.{field}", f"unknown question {qid!r}"))
    pq = data.get("property_question")
    problems += _manual_entry_problems(data, pq)
    problems += _duplicate_problems(data, questions)
    if pq is not None:
        if pq not in questions:
            problems.append(("property_question", f"unknown question {pq!r}"))
        elif questions[pq]["type"] != "address":
            problems.append(("property_question", f"question {pq!r} is not an address question"))

    states = data["states"]
    all_transitions = {t["name"] for st in states.values() for t in st.get("transitions", [])}
    if data["initial_state"] not in states:
        problems.append(("initial_state", f"unknown state {data['initial_state']!r}"))
    for sid, state in states.items():
        if not re.match(r"^[a-z][a-z0-9_]{0,63}$", sid):
            problems.append((f"states.{sid}", "state ids must be lower case letters, digits and underscores"))
        if state["category"] == "closed" and "resolution" not in state:
            problems.append((f"states.{sid}", "a closed state needs a resolution"))
        if state["category"] != "closed" and "resolution" in state:
            problems.append((f"states.{sid}.resolution", "only a closed state has a resolution"))
        names: set[str] = set()
        for k, t in enumerate(state.get("transitions", [])):
            tpath = f"states.{sid}.transitions[{k}]"
            if t["to"] not in states:
                problems.append((f"{tpath}.to", f"unknown state {t['to']!r}"))
            if t["name"] in names:
                problems.append((f"{tpath}.name", f"duplicate transition name {t['name']!r} in state {sid!r}"))
            names.add(t["name"])
            for other in t.get("not_same_handler_as", []):
                if other not in all_transitions:
                    problems.append((f"{tpath}.not_same_handler_as", f"unknown transition {other!r}"))
            field_ids = [f["id"] for f in t.get("fields", [])]
            if len(field_ids) != len(set(field_ids)):
                problems.append((f"{tpath}.fields", "field ids must be different"))
            for n, f in enumerate(t.get("fields", [])):
                if f.get("type") == "radios" and not f.get("options"):
                    problems.append((f"{tpath}.fields[{n}]", "a radios field needs options"))
    if not any(s["category"] == "closed" for s in states.values()):
        problems.append(("states", "at least one state must be closed (category: closed)"))
    dup = data.get("duplicate_state")
    if dup is not None and dup not in states:
        problems.append(("duplicate_state", f"unknown state {dup!r}"))
    elif dup is not None and states[dup]["category"] != "closed":
        problems.append(("duplicate_state", f"state {dup!r} must be closed"))
    if data["initial_state"] in states:
        reachable, todo = set(), [data["initial_state"]] + ([dup] if dup else [])
        while todo:
            sid = todo.pop()
            if sid in reachable or sid not in states:
                continue
            reachable.add(sid)
            todo += [t["to"] for t in states[sid].get("transitions", [])]
        for sid in states:
            if sid not in reachable:
                problems.append((f"states.{sid}", f"cannot be reached from the initial state {data['initial_state']!r}"))
    return problems


def _build(data: dict, source: str, content_hash: str) -> Definition:
    pages = tuple(
        Page(
            id=p["id"],
            title=p["title"],
            advisor_guidance=p.get("advisor_guidance"),
            questions=tuple(
                Question(
                    id=q["id"],
                    type=q["type"],
                    label=q["label"],
                    hint=q.get("hint"),
                    required=q.get("required", True),
                    max_length=q.get("max_length"),
                    options=tuple((o["value"], o["label"]) for o in q.get("options", [])),
                    options_from=q.get("options_from"),
                    summary_label=q.get("summary_label"),
                    error_if_missing=q.get("error_if_missing"),
                    minimum=q.get("min"),
                    maximum=q.get("max"),
                    decimals=q.get("decimals", False),
                    min_days=q.get("min_days"),
                    max_days=q.get("max_days"),
                    accept=tuple(q.get("accept", ())),
                    max_size_mb=q.get("max_size_mb"),
                    max_files=q.get("max_files", 1),
                    content=q.get("content"),
                    show_if=q.get("show_if"),
                    manual_entry=q.get("manual_entry", False),
                    prefill=(q.get("prefill") or {}).get("from"),
                    bounds=tuple(q["bounds"]) if "bounds" in q else None,
                )
                for q in p["questions"]
            ),
            rules=tuple(RuleRef(r["rule"], dict(r.get("params") or {})) for r in p.get("rules", [])),
            show_if=p.get("show_if"),
        )
        for p in data["pages"]
    )
    states = {
        sid: State(
            id=sid,
            label=s["label"],
            category=s["category"],
            resolution=s.get("resolution"),
            public_description=s.get("public_description"),
            sla_working_days=(s.get("sla") or {}).get("working_days"),
            transitions=tuple(
                Transition(
                    name=t["name"],
                    from_state=sid,
                    to=t["to"],
                    label=t["label"],
                    roles=tuple(t["roles"]),
                    public_message=t.get("public_message"),
                    notify=t.get("notify", False),
                    requires_note=t.get("requires_note", False),
                    fields=tuple(dict(f) for f in t.get("fields", [])),
                    not_same_handler_as=tuple(t.get("not_same_handler_as", ())),
                    webhooks=tuple(w["target"] for w in t.get("webhooks", [])),
                )
                for t in s.get("transitions", [])
            ),
        )
        for sid, s in data["states"].items()
    }
    dedupe = data.get("dedupe")
    return Definition(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        summary=data["summary"],
        lgsl=data.get("lgsl"),
        team=data["team"],
        channels=tuple(data.get("channels", ["web", "phone", "face_to_face", "email", "api"])),
        start=dict(data.get("start") or {}),
        open311_public=bool((data.get("open311") or {}).get("public", False)),
        pages=pages,
        initial_state=data["initial_state"],
        duplicate_state=data.get("duplicate_state"),
        states=states,
        sla_working_days=(data.get("sla") or {}).get("working_days"),
        customer_fields=dict(data.get("customer_fields") or {}),
        property_question=data.get("property_question"),
        dedupe=RuleRef(dedupe["rule"], dict(dedupe.get("params") or {})) if dedupe else None,
        acknowledgement=dict(data.get("acknowledgement") or {}),
        source_file=source,
        content_hash=content_hash,
        raw=data,
        routing=tuple(dict(r) for r in data.get("routing", [])),
        duplicate=dict(data["duplicate"]) if data.get("duplicate") else None,
    )


def load_text(text: str, source: str) -> Definition:
    """Validate and build one definition from its text; `source` names it in messages."""
    name = Path(source).name
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(top level)"
        raise DefinitionError([f"{name}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict):
        raise DefinitionError([f"{name}: (top level): a definition must be a mapping of keys to values"])
    return load_data(data, source)


def content_hash(data: dict) -> str:
    """Of the meaning, not the text: comments and layout may change without a version bump."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def load_data(data: Any, source: str) -> Definition:
    """Validate and build a definition from parsed data (a file, or a stored snapshot)."""
    name = Path(source).name
    if not isinstance(data, dict):
        raise DefinitionError([f"{name}: (top level): a definition must be a mapping of keys to values"])
    problems = _schema_problems(data)
    if not problems:
        problems = _semantic_problems(data, Path(source).stem)
    if problems:
        raise DefinitionError([f"{name}: {path}: {msg}" for path, msg in problems])
    return _build(data, source, content_hash(data))


def load_file(path: str | Path) -> Definition:
    path = Path(path)
    return load_text(path.read_text(encoding="utf-8"), str(path))


class Registry:
    """The definitions in force, by id."""

    def __init__(self, definitions: Iterable[Definition] = ()):
        self._by_id = {d.id: d for d in definitions}

    def get(self, workflow_id: str) -> Definition | None:
        return self._by_id.get(workflow_id)

    def all(self) -> list[Definition]:
        return sorted(self._by_id.values(), key=lambda d: d.title)

    def __contains__(self, workflow_id: str) -> bool:
        return workflow_id in self._by_id


def load_directory(folder: str | Path) -> Registry:
    """Load every *.yaml file; all problems from all files are reported together."""
    problems: list[str] = []
    definitions = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            definitions.append(load_file(path))
        except DefinitionError as exc:
            problems += exc.problems
    if problems:
        raise DefinitionError(problems)
    return Registry(definitions)
