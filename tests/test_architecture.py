"""The import arrows of ../shared/ARCHITECTURE.md, checked on every module (our own "layers" contract)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "core",
    "matching",
    "employers",
    "candidates",
    "followup",
    "recruitment",
    "plans",
    "jobs",
    "demo",
    "web",
)
DOMAINS = ("employers", "candidates", "followup", "recruitment", "plans")
# Domains import only domains on a lower level (the arrows of ARCHITECTURE.md): plans builds on follow-up and
# recruitment, which build on employers and candidates.
LEVEL = {"employers": 1, "candidates": 1, "followup": 2, "recruitment": 2, "plans": 3}
# Besides its `service*` modules, what a domain offers the others: the access statements every read starts from,
# the facts derived from a candidate's record, and the check of a text written for employers.
PUBLIC = ("access", "derived", "sensitive_text")
FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "alembic", "jinja2", "apscheduler")


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT)
            for name in imports_of(path):
                top = name.split(".")[0]
                if top not in PACKAGES and top not in FRAMEWORKS:
                    continue
                if package == "core" and top in PACKAGES and top != "core":
                    found.append(f"{rel}: core imports {name}")
                elif package == "matching" and top != "matching" and (top in PACKAGES or top in FRAMEWORKS):
                    found.append(f"{rel}: matching (pure library) imports {name}")
                elif package in DOMAINS and top in ("web", "jobs"):
                    found.append(f"{rel}: domain imports {name}")
                elif package in DOMAINS and top in DOMAINS and LEVEL[top] > LEVEL[package]:
                    found.append(f"{rel}: imports {name}, a domain above it")
                elif package in DOMAINS and top in DOMAINS and top != package:
                    parts = name.split(".")
                    if len(parts) > 1 and not (parts[1].startswith("service") or parts[1] in PUBLIC):
                        found.append(f"{rel}: reaches into {name} (use {top}'s service modules)")
                elif package == "jobs" and top == "web":
                    found.append(f"{rel}: jobs imports {name}")
                elif top == "demo" and package not in ("demo", "web"):
                    found.append(f"{rel}: imports {name} (demo data is loaded by the CLI only)")
                elif package == "demo" and top in ("web", "jobs"):
                    found.append(f"{rel}: demo imports {name}")
    return found


def test_imports_point_down_only():
    assert violations() == []


def test_no_star_imports():
    """A module names what it imports, and callers import the module that defines a name (no façades)."""
    stars = [
        f"{path.relative_to(ROOT)}: from {node.module} import *"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert stars == []


def test_the_check_catches_a_violation(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from web.app import create_app\nimport sqlalchemy.orm\n")
    assert "web.app" in imports_of(bad) and "sqlalchemy.orm" in imports_of(bad)


def machine_days(path: Path) -> list[int]:
    """Lines calling `date.today()` (or passing `date.today` as a default factory): the machine's calendar day, which
    on a server running in UTC is still yesterday in Norway from midnight until one or two in the morning."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "today":
            base = node.value
            name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            if name == "date":
                found.append(node.lineno)
    return found


def test_the_day_is_norways():
    """Deadlines, ages, retention and default dates count in Norway's days: product code asks
    `core.formatting.today_in_oslo()`, never the machine's `date.today()`."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for line in machine_days(path)
    ]
    assert found == []


def test_the_day_check_catches_the_machines_day(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text(
        "import datetime as dt\nfrom datetime import date\n"
        "a = dt.date.today()\nb = date.today()\nc = field(default_factory=dt.date.today)\nd = today_in_oslo()\n"
    )
    assert machine_days(bad) == [3, 4, 5]
