"""The rules of the layout (docs/architecture.md), checked on the source so that they cannot erode.

Domain packages never import Streamlit; pages never run SQL; every text key the code asks
for exists in the German catalogue, with the placeholders the code fills in; every page
the navigation names exists.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from journeys import models
from journeys.i18n import catalogue

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("journeys", "barriers")
UI_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py")])
CALLERS = ("cli", "pages", "bench")  # the faces and the benchmark
CODE_FILES = sorted(
    [ROOT / "app.py", *(p for d in (*DOMAIN, *CALLERS) for p in (ROOT / d).rglob("*.py"))]
)

SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\[?\w+\]?\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX)\b|\bPRAGMA\b",
    re.IGNORECASE,
)


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def imported_modules(module: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def strings(module: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(module):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def t_calls(module: ast.Module) -> Iterator[ast.Call]:
    """Every call of ``t(...)`` or ``something.t(...)``."""
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "t") or (
                isinstance(func, ast.Attribute) and func.attr == "t"
            ):
                yield node


def literal_keys(node: ast.expr) -> list[str]:
    """The key literals of a first argument: ``"a.b"`` or ``"a.b" if x else "a.c"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_keys(node.body) + literal_keys(node.orelse)
    return []


def placeholders(text: str) -> set[str]:
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names


# ---------------------------------------------------------------- layers


@pytest.mark.parametrize(
    "path", [p for d in DOMAIN for p in sorted((ROOT / d).rglob("*.py"))], ids=rel
)
def test_domain_packages_never_import_streamlit(path: Path) -> None:
    offending = [
        f"{rel(path)}:{line} imports {name}"
        for line, name in imported_modules(tree(path))
        if name == "streamlit" or name.startswith("streamlit.")
    ]
    assert not offending


@pytest.mark.parametrize(
    "path", [p for d in DOMAIN for p in sorted((ROOT / d).rglob("*.py"))], ids=rel
)
def test_domain_packages_never_import_pages(path: Path) -> None:
    assert not [
        n for _, n in imported_modules(tree(path)) if n == "pages" or n.startswith("pages.")
    ]


@pytest.mark.parametrize("path", UI_FILES, ids=rel)
def test_pages_and_app_hold_no_sql(path: Path) -> None:
    module = tree(path)
    offending = [
        f"{rel(path)}:{line}: {text[:60]!r}" for line, text in strings(module) if SQL.search(text)
    ]
    offending += [
        f"{rel(path)}:{line} imports {n}" for line, n in imported_modules(module) if n == "sqlite3"
    ]
    offending += [
        f"{rel(path)}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executescript", "executemany", "read_sql_query")
    ]
    assert not offending


def test_the_sql_check_would_catch_sql() -> None:
    """Guard the guard: the pattern matches the statements it is meant to keep out."""
    for sql in (
        "SELECT code FROM families",
        "select *\n  from steps where id = ?",
        "INSERT INTO families (code) VALUES (?)",
        "INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)",
        "UPDATE steps SET position = 1",
        "DELETE FROM barrier_tags",
    ):
        assert SQL.search(sql), sql
    for text in ("Familien auswählen", "Update: neue Phase", "Löschen", "Auswahl aus der Liste"):
        assert not SQL.search(text), text


# ---------------------------------------------------------------- texts


def _t_uses() -> list[tuple[str, str, set[str] | None]]:
    """(where, key, keyword names or None when ``**values`` hides them) of every t() literal."""
    uses = []
    for path in CODE_FILES:
        for call in t_calls(tree(path)):
            names: set[str] | None = {k.arg for k in call.keywords if k.arg is not None}
            if any(k.arg is None for k in call.keywords):
                names = None
            for key in literal_keys(call.args[0]):
                uses.append((f"{rel(path)}:{call.lineno}", key, names))
    # The navigation names its title and section keys as data (``PageSpec``).
    for line, value in strings(tree(ROOT / "app.py")):
        if re.fullmatch(r"nav\.\w+", value):
            uses.append((f"app.py:{line}", value, set()))
    return uses


def test_the_code_asks_for_text_keys() -> None:
    """The scan finds the calls it checks (an empty scan would pass every check below)."""
    keys = {key for _, key, _ in _t_uses()}
    assert {"common.app_title", "nav.families"} <= keys


def test_every_text_key_in_the_code_exists_in_the_german_catalogue() -> None:
    texts = catalogue("de")
    missing = sorted({f"{where}: {key}" for where, key, _ in _t_uses() if key not in texts})
    assert not missing


def test_every_text_gets_the_placeholders_it_needs() -> None:
    texts = catalogue("de")
    problems = []
    for where, key, names in _t_uses():
        if key not in texts or names is None:
            continue
        needed = placeholders(texts[key])
        if names and needed - names:
            problems.append(f"{where}: {key} needs {sorted(needed - names)}")
        if names - needed:
            problems.append(f"{where}: {key} has no place for {sorted(names - needed)}")
        if needed and not names:
            problems.append(f"{where}: {key} is shown with raw {{placeholders}}")
    assert not problems


def test_every_catalogue_text_is_valid_format_syntax() -> None:
    broken = []
    for key, text in catalogue("de").items():
        try:
            placeholders(text)
        except ValueError:
            broken.append(key)
    assert not broken


@pytest.mark.parametrize("enum", models.LabelledEnum.__subclasses__(), ids=lambda e: e.__name__)
def test_every_choice_has_a_german_label(enum: type[models.LabelledEnum]) -> None:
    texts = catalogue("de")
    assert not [m.value for m in enum if f"enums.{enum.__name__}.{m.value}" not in texts]
    assert all(m.label for m in enum)


# Bookkeeping the user never types, so it never appears in an error message.
BOOKKEEPING_FIELDS = {
    "id", "journey_id", "family_id", "source_journey_id", "created_at", "updated_at",
    "version", "position", "synthetic",
}  # fmt: skip


def _editable_fields() -> list[str]:
    from journeys.reference.taxonomy import Barrier, Category

    found = set()
    for model in (models.Family, models.Member, models.Journey, models.Step, models.BarrierTag,
                  models.Referral, models.Service, models.Stage, Category, Barrier):  # fmt: skip
        found |= set(model.model_fields) - BOOKKEEPING_FIELDS
    return sorted(found)


@pytest.mark.parametrize("field", _editable_fields())
def test_every_field_a_user_fills_in_has_a_german_name_for_error_messages(field: str) -> None:
    assert catalogue("de").get(f"fields.{field}"), f"fields.toml has no name for {field}"


# ---------------------------------------------------------------- navigation


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _registered_pages() -> list[str]:
    pages = []
    for node in ast.walk(tree(ROOT / "app.py")):
        if (
            isinstance(node, ast.Call)
            and _called_name(node) in {"Page", "PageSpec"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            pages.append(node.args[0].value)
    return pages


def test_the_navigation_names_pages() -> None:
    assert "pages/families.py" in _registered_pages()


@pytest.mark.parametrize("page", _registered_pages())
def test_every_page_in_the_navigation_exists(page: str) -> None:
    path = ROOT / page
    assert path.is_file(), f"app.py registers {page}, which does not exist"
    tree(path)  # and it parses


# ---------------------------------------------------------------- access (issue #6)


def _page_permissions() -> dict[str, str]:
    """Page file → the ``Permission`` member its ``PageSpec`` in app.py names."""
    found = {}
    for node in ast.walk(tree(ROOT / "app.py")):
        if isinstance(node, ast.Call) and _called_name(node) == "PageSpec" and node.args:
            perm = node.args[4] if len(node.args) > 4 else None
            perm = perm or next((k.value for k in node.keywords if k.arg == "permission"), None)
            if isinstance(node.args[0], ast.Constant) and isinstance(perm, ast.Attribute):
                found[str(node.args[0].value)] = perm.attr
    return found


def _guard_calls(body: list[ast.stmt]) -> list[str]:
    """The permissions of ``guard.require(Permission.X)`` calls among these statements."""
    found = []
    for stmt in body:
        value = stmt.value if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign) else None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "require"
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "guard"
            and value.args
            and isinstance(value.args[0], ast.Attribute)
        ):
            found.append(value.args[0].attr)
    return found


def _checked_before_drawing(module: ast.Module) -> list[str]:
    """Permissions the page checks before it draws: ``guard.require`` at module level, or as
    the first statement of a module-level function that the module calls (``main()``)."""
    found = _guard_calls(module.body)
    functions = {f.name: f for f in module.body if isinstance(f, ast.FunctionDef)}
    for stmt in module.body:
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id in functions
        ):
            body = functions[stmt.value.func.id].body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            found += _guard_calls(body[:1])
    return found


def test_the_guard_check_finds_what_it_looks_for() -> None:
    """Guard the guard: a module-level check and a check opening ``main()`` both count."""
    module = ast.parse(
        "from pages import guard\nuser = guard.require(Permission.CASES)\n"
        "def main():\n    '''Doc.'''\n    guard.require(Permission.AUDIT)\n    draw()\nmain()\n"
    )
    assert _checked_before_drawing(module) == ["CASES", "AUDIT"]
    late = ast.parse("def main():\n    draw()\n    guard.require(Permission.CASES)\nmain()\n")
    assert _checked_before_drawing(late) == []


@pytest.mark.parametrize("page", sorted(_page_permissions()))
def test_every_page_checks_its_permission_on_the_server_before_it_draws(page: str) -> None:
    """Every page of the navigation calls ``guard.require`` with the permission app.py names
    for it, before anything else is drawn: hiding a page in the navigation is no check."""
    path = ROOT / page
    if not path.is_file():
        pytest.fail(f"app.py registers {page}, which does not exist")
    checked = _checked_before_drawing(tree(path))
    assert checked, f"{page} never calls guard.require(...) before drawing"
    assert _page_permissions()[page] in checked, (
        f"{page} checks {checked}, app.py says {_page_permissions()[page]}"
    )


def _callback_values(path: Path) -> Iterator[tuple[int, ast.expr]]:
    """Every ``on_click=``/``on_change=`` value, also in dicts passed on as ``**kwargs``."""
    names = {"on_click", "on_change"}
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in names:
                    yield node.lineno, keyword.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in names:
                    yield node.lineno, value


def _unguarded_callbacks(path: Path) -> Iterator[int]:
    for line, value in _callback_values(path):
        if isinstance(value, ast.Constant):
            continue
        wrapped = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "guarded"
        )
        if not wrapped:
            yield line


@pytest.mark.parametrize(
    "page", [p for p in UI_FILES if p.name not in {"auth.py", "guard.py"}], ids=rel
)
def test_every_widget_callback_checks_the_session_first(page: Path) -> None:
    """Callbacks run before the page checks the session: each goes through guard.guarded."""
    lines = list(_unguarded_callbacks(page))
    assert not lines, f"{rel(page)}: callbacks without guard.guarded on lines {lines}"


# Sizes and the layout of pages/ (issue 14) are checked in tests/test_contracts.py.
