"""Every package the program imports is declared and pinned; nothing is pinned for nothing.

An undeclared import works here only because something else happened to install it; a
fresh installation from the wheel would fail on the first page that needs it. A pin of a
package nothing uses makes every installation larger and every update harder.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = [ROOT / "app.py", *ROOT.glob("serve.py")]
PACKAGES = ("journeys", "barriers", "cli", "pages", "bench")
PRODUCT += [p for d in PACKAGES for p in (ROOT / d).rglob("*.py")]
OWN = {"journeys", "barriers", "cli", "pages", "bench", "app", "serve"}
# Declared without an import of their own, on purpose (the comment in pyproject.toml says why).
USED_INDIRECTLY: dict[str, str] = {}  # none today: every pin is imported by name


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["dependencies"]:
        name, _, pinned = requirement.partition("==")
        pins[_normal(name)] = pinned
    return pins


def _imported_distributions() -> dict[str, set[str]]:
    """Distribution (normalised) -> the product files importing it."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in PRODUCT:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in OWN:
                    continue
                for dist in owners.get(top, [f"<nicht installiert: {top}>"]):
                    found.setdefault(_normal(dist), set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared_with_an_exact_pin() -> None:
    pins = _pins()
    undeclared = {
        d: sorted(files) for d, files in _imported_distributions().items() if d not in pins
    }
    assert not undeclared, f"Importiert, aber nicht in pyproject.toml: {undeclared}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.]*", pin) for pin in pins.values()), pins


def test_nothing_is_pinned_that_nothing_imports() -> None:
    imported = _imported_distributions()
    unused = [d for d in _pins() if d not in imported and d not in USED_INDIRECTLY]
    assert not unused, f"Festgelegt, aber von keinem Modul importiert: {unused}"


def test_the_pins_are_what_this_environment_runs() -> None:
    wrong = {d: (pin, version(d)) for d, pin in _pins().items() if version(d) != pin}
    assert not wrong, f"pyproject.toml und installierte Versionen weichen ab: {wrong}"
