"""The API's error contract in one place: the JSON shapes of its error answers and the status codes each operation
declares in the OpenAPI document.

Why: clients (and schemathesis in tests/web/test_api_fuzz.py) read the document to know what can come back. Every
operation may be refused for a missing token (401), input that breaks a rule (422, also for a NUL or a lone
surrogate anywhere in the query, see web.input_checks) and so on; writing those on each route by hand drifts from
what the global handlers in web.app really do. `complete_document` adds them from what a route is (its path
parameters, its method, its body), and `error_responses` lets a route add the codes only it knows about (a 404 for
an id in the query, a 409 for a version check) without copying the shapes. No catch-all `default`/`4XX` entries:
each code is written out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.cleaning import DateBounds
from web.input_checks import DB_INT_MAX

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "hva som gikk galt, på bokmål"},
        "field": {"type": "string", "description": "feltet det gjelder, når det er ett"},
    },
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "feltet det gjelder"},
        "message": {"type": "string", "description": "hva som er galt, på bokmål"},
        "type": {"type": "string"},
    },
    "required": ["field", "message"],
}
HTTP_VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}},
    "required": ["detail"],
}

DESCRIPTIONS = {
    401: "Mangler gyldig API-nøkkel (Authorization: Bearer …)",
    403: "Rollen din har ikke tilgang til dette",
    404: "Ikke funnet (eller ikke tilgang: en annens post svarer som om den ikke fantes)",
    409: "Konflikt: posten er endret av noen andre, eller finnes allerede",
    413: "For stort innhold",
    422: "Ugyldige opplysninger: {detail: [{field, message}]}",
}
RULES_BEYOND_SCHEMA = "x-rules-beyond-schema"

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HTTP_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"}) | WRITE_METHODS


def _content(code: int) -> dict[str, Any]:
    name = "HTTPValidationError" if code == 422 else "Error"
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def error_responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the given error codes with the shared JSON shapes. A description for a code can
    be given as `d404="..."`."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        out[code] = {
            "description": descriptions.get(f"d{code}", DESCRIPTIONS[code]),
            "content": _content(code),
        }
    return out


@dataclass(frozen=True)
class Rule:
    """A rule a service enforces that JSON Schema cannot state (a date relative to today, a code that must be in
    the loaded register, one field against another, which status may follow which). `messages` are the regular
    expressions (matched whole) of every 422 message the rule gives: tests/web/test_api_fuzz.py lets a 422 for
    schema-valid input through only when each error names a field declared with a rule and carries that rule's
    message, so a rule listed here cannot hide another check."""

    key: str
    description: str
    messages: tuple[str, ...]


RULES: dict[str, Rule] = {}


def rule(key: str, description: str, *messages: str) -> Rule:
    """Declares (once) a rule beyond the schema; `messages` are regular expressions of its 422 messages."""
    found = RULES.get(key)
    if found is not None:
        assert found.messages == messages, f"rule {key} declared twice with other messages"
        return found
    RULES[key] = Rule(key, description, messages)
    return RULES[key]


def _template(text: str) -> str:
    """A message template of the services ("{label} kan ikke være før {earliest}.") as a regular expression."""
    return re.sub(r"\\\{[a-z_]+\\\}", ".+", re.escape(text))


def date_rule(key: str, bounds: DateBounds, description: str) -> Rule:
    """A date within a field's plausible range, counted from today (core.cleaning): the document cannot carry a
    bound that moves every day, so the rule names the range and the test knows its two messages."""
    return rule(key, description, _template(bounds.too_early), _template(bounds.too_late))


def rules_beyond_schema(**fields: Rule | tuple[Rule, ...]) -> dict[str, Any]:
    """`openapi_extra=` for a route whose service checks these input fields by rules beyond the schema: a request
    that fits the schema may still get a 422 naming one of them, with one of that field's rules' messages, and
    nothing else. (A field named like a Python keyword is passed as `**{"from": rule}`.)"""
    entries = []
    for name in sorted(fields):
        declared = fields[name]
        for item in declared if isinstance(declared, tuple) else (declared,):
            entries.append({"field": name, "rule": item.key, "description": item.description})
    return {RULES_BEYOND_SCHEMA: entries}


def codes_for(method: str, operation: dict[str, Any]) -> set[int]:
    """The error codes any operation of this kind can answer with, from the global handlers in web.app."""
    codes = {
        401,
        403,
        422,
    }  # the token; a role or another office's record; a NUL in any query (web.input_checks)
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        codes.add(404)  # an unknown id, or one the caller may not see
    if method.upper() in WRITE_METHODS:
        codes.add(409)  # a concurrent change of a versioned row (StaleDataError) or a duplicate
    return codes


def complete_document(schema: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Adds the shared error shapes to `components` and every operation's error codes to its `responses`
    (keeping a route's own description where it wrote one)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["ValidationError"] = VALIDATION_ERROR_SCHEMA
    schemas["HTTPValidationError"] = HTTP_VALIDATION_ERROR_SCHEMA
    for component in schemas.values():
        _bound_integers(component)
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(prefix):
            continue
        for method, operation in operations.items():
            if method.upper() not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                _bound_integers(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            for catch_all in ("default", "4XX", "5XX"):
                responses.pop(catch_all, None)
            declared = {int(c) for c in responses if str(c).isdigit()}
            for code in sorted(codes_for(method, operation) | {c for c in declared if c >= 400}):
                entry = responses.setdefault(str(code), {"description": DESCRIPTIONS.get(code, "Feil")})
                entry.setdefault("content", _content(code))  # a route's own model (409 StaleOut) is kept
    return schema


def _bound_integers(node: Any) -> None:
    """Every integer in the document gets the range of the database's integer columns, unless it states a
    narrower one. The server enforces the same bound: web.input_checks refuses a larger integer anywhere in a
    JSON body (422 naming the field), query parameters carry `le=DB_INT_MAX`, and a larger id in a path is
    answered 404 (web.app._out_of_range)."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("maximum", DB_INT_MAX)
            node.setdefault("minimum", -DB_INT_MAX - 1)
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


def too_large_integer(schema: dict[str, Any], method: str, path: str, value: Any) -> str | None:
    """The field of a JSON body whose integer is beyond the bound the document states (only fields the operation
    declares: properties it does not know are ignored by the server, as by the document)."""
    for template, operations in schema.get("paths", {}).items():
        if not re.fullmatch(_template_regex(template), path):
            continue
        operation = operations.get(method.lower()) or {}
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "schema" in content:
            return _walk_integers(value, content["schema"], schema, "")
    return None


def _walk_integers(value: Any, node: dict[str, Any], document: dict[str, Any], path: str) -> str | None:
    if "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    for alternative in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        found = _walk_integers(value, alternative, document, path)
        if found is not None:
            return found
    if isinstance(value, int) and not isinstance(value, bool) and node.get("type") == "integer":
        low, high = node.get("minimum", -DB_INT_MAX - 1), node.get("maximum", DB_INT_MAX)
        return path if not low <= value <= high else None
    if isinstance(value, dict):
        for key, spec in node.get("properties", {}).items():
            if key in value:
                found = _walk_integers(value[key], spec, document, f"{path}.{key}" if path else key)
                if found is not None:
                    return found
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            found = _walk_integers(item, node["items"], document, f"{path}.{i}" if path else str(i))
            if found is not None:
                return found
    return None


def _template_regex(template: str) -> str:
    return re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))


def allowed_methods(schema: dict[str, Any], path: str) -> list[str]:
    """Every method the document names for a concrete request path (the `Allow` of a 405)."""
    methods: set[str] = set()
    for template, operations in schema.get("paths", {}).items():
        if re.fullmatch(_template_regex(template), path):
            methods |= {m.upper() for m in operations if m.upper() in HTTP_METHODS}
    return sorted(methods)
