"""The contracts of the house (docs/architecture.md), checked on every test run.

- Every import contract of ``[tool.importlinter]`` in pyproject.toml holds: the layers, the
  forbidden imports, the independent rooms, no cycles between rooms. A broken contract fails
  with import-linter's own account of the imports that break it.
- No module is part of an import cycle (also through its own package face).
- The two scripts import-linter cannot read (``app.py``, ``serve.py``) keep to the layers too.
- pages/ holds only the pages of the navigation, and nothing imports a page.
- Every SQL statement lives in ``journeys/storage/``.
- Sizes that fit in a head: no product module over 500 lines, no page over 300, no package
  face (``__init__.py``) over 100.
- docs/architecture.md names every contract and cites tests that exist; nothing refers to
  files outside the repository.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from importlinter import api  # noqa: F401  (importing it configures import-linter)
from importlinter.application import output
from importlinter.application.ports.reporting import Report
from importlinter.application.use_cases import (
    _register_built_in_contract_types,
    create_report,
    read_user_options,
)

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
MAP = ROOT / "docs" / "architecture.md"
SCRIPTS = [ROOT / "app.py", ROOT / "serve.py"]
PACKAGES = ("journeys", "barriers", "pages", "cli")
PRODUCT = sorted([*SCRIPTS, *(p for d in PACKAGES for p in (ROOT / d).rglob("*.py"))])

MODULE_LINES = 500
PAGE_LINES = 300
FACE_LINES = 100


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _contracts() -> list[dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


@cache
def _report() -> Report:
    """import-linter's report on pyproject.toml's contracts, on a graph built afresh (what
    ``lint-imports --no-cache`` prints; registering the built-in contract types is what the
    command does first, import-linter is pinned exactly)."""
    _register_built_in_contract_types()
    return create_report(read_user_options(str(PYPROJECT)), cache_dir=None)


def _broken_account(contract_id: str) -> str | None:
    """None if the contract holds, else import-linter's account of what breaks it."""
    name = next(c["name"] for c in _contracts() if c["id"] == contract_id)
    for contract, check in _report().get_contracts_and_checks():
        if contract.name != name:
            continue
        if check.kept:
            return None
        with output.console.capture() as captured:
            contract.render_broken_contract(check)
        return f"{contract.name}\n{captured.get()}"
    raise AssertionError(f"import-linter did not check the contract {contract_id!r}")


# ---------------------------------------------------------------- import contracts


def test_the_contracts_are_the_rules_of_the_map() -> None:
    """Guard the guard: the layers, the cycle check and the Streamlit ban are all there."""
    kinds = {c["type"] for c in _contracts()}
    assert {"layers", "forbidden", "independence", "acyclic_siblings"} <= kinds
    assert len({c["id"] for c in _contracts()}) == len(_contracts())


@pytest.mark.parametrize("contract_id", [c["id"] for c in _contracts()])
def test_import_contract_holds(contract_id: str) -> None:
    account = _broken_account(contract_id)
    if account is not None:
        pytest.fail(account, pytrace=False)


def test_the_contracts_would_catch_an_import_upwards() -> None:
    """Guard the guard: the graph the contracts check holds the imports of the code."""
    graph = _report().graph
    assert "journeys.storage" in graph.find_modules_directly_imported_by("cli.main")
    drawing = [m for m in graph.modules if m.split(".")[0] == "pages"]
    assert any("streamlit" in graph.find_modules_directly_imported_by(m) for m in drawing)


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round a loop (Tarjan's strongly
    connected components, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(sorted(imports[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_cycle_search_finds_a_loop_through_a_package_face() -> None:
    """Guard the guard: a module that imports its package's face, which re-exports it."""
    imports = {"s": {"s.a", "s.b"}, "s.a": {"s"}, "s.b": set(), "p": {"s.b"}}
    assert _cycles(imports) == [["s", "s.a"]]


def test_no_module_is_part_of_an_import_cycle() -> None:
    """Contract `no-cycles` looks at the rooms of each package; this looks at the modules
    themselves, so that a module importing its own package face (which imports it back)
    is found too. Imports inside functions count: a lazy import hides a cycle, it does not
    remove it."""
    graph = _report().graph
    ours = {m for m in graph.modules if m.split(".")[0] in PACKAGES}
    imports = {m: graph.find_modules_directly_imported_by(m) & ours for m in ours}
    loops = []
    for group in _cycles(imports):
        first = group[0]
        back = min(
            (graph.find_shortest_chain(importer=nxt, imported=first) or (nxt, first)
             for nxt in imports[first] & set(group)),
            key=len,
        )  # fmt: skip
        loops.append(f"{len(group)} modules, e.g. {' -> '.join((first, *back))}: {group}")
    assert not loops, "Import cycles:\n" + "\n".join(loops)


def test_the_map_names_every_contract_and_no_other() -> None:
    text = MAP.read_text(encoding="utf-8")
    ids = {c["id"] for c in _contracts()}
    cited = set(re.findall(r"contract `([a-z0-9-]+)`", text))
    assert ids - cited == set(), f"docs/architecture.md does not cite {sorted(ids - cited)}"
    assert cited - ids == set(), f"docs/architecture.md cites unknown {sorted(cited - ids)}"


def _cited_tests() -> list[tuple[str, str]]:
    """(test file, test name) of every ``tests/….py::name`` and following ``::name`` the
    map cites; a bare ``::name`` belongs to the file named last before it."""
    cited, current = [], ""
    for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(\w+)`", MAP.read_text("utf-8")):
        current = path or current
        cited.append((current, name))
    return cited


def test_the_map_cites_tests_that_exist() -> None:
    assert ("tests/test_contracts.py", "test_every_file_fits_in_a_head") in _cited_tests()
    missing = [
        f"{path}::{name}"
        for path, name in _cited_tests()
        if not (ROOT / path).is_file()
        or f"def {name}(" not in (ROOT / path).read_text(encoding="utf-8")
    ]
    assert not missing, f"docs/architecture.md cites tests that do not exist: {missing}"


# ---------------------------------------------------------------- the two scripts


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("script", SCRIPTS, ids=rel)
def test_the_app_scripts_import_the_pages_and_the_domain_never_the_command_line(
    script: Path,
) -> None:
    """app.py and serve.py are the Streamlit face: they stand on pages/, barriers/ and
    journeys/ and do not reach into the command line or the benchmark (contract `layers`
    for the packages; import-linter reads packages only)."""
    wrong = [f"{rel(script)}:{line} imports {name}"
             for line, name in _imports(script) if _top(name) in {"cli", "bench"}]  # fmt: skip
    assert not wrong


@pytest.mark.parametrize("path", [p for p in PRODUCT if p not in SCRIPTS], ids=rel)
def test_nothing_imports_the_app_scripts(path: Path) -> None:
    """The scripts sit on top: no package imports ``app`` or ``serve``."""
    wrong = [f"{rel(path)}:{line} imports {name}"
             for line, name in _imports(path) if _top(name) in {"app", "serve"}]  # fmt: skip
    assert not wrong


# ---------------------------------------------------------------- one file per page


def _navigation_pages() -> set[str]:
    """The page files app.py registers: the first argument of each ``PageSpec``/``Page``."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in {"Page", "PageSpec"} and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def _page_files() -> set[str]:
    return {rel(p) for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py"}


def test_the_navigation_check_reads_the_pages_of_app_py() -> None:
    assert {"pages/families.py", "pages/journey.py"} <= _navigation_pages()


def test_every_file_directly_in_pages_is_a_page_of_the_navigation() -> None:
    """pages/ shows the pages at a glance: a page's parts go into ``pages/<page>_parts/``,
    what several pages share into ``pages/shared/``."""
    extra = sorted(_page_files() - _navigation_pages())
    assert not extra, f"In pages/, but no page of the navigation in app.py: {extra}"


def test_no_module_imports_a_page() -> None:
    """A page is a leaf: app.py routes to it, nothing imports it."""
    graph = _report().graph
    pages = {f"pages.{Path(p).stem}" for p in _page_files()}
    wrong = sorted(
        f"{importer} imports {page}"
        for page in pages
        for importer in graph.find_modules_that_directly_import(page)
    )
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- SQL only in storage

SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\[?\w+\]?\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bCREATE\s+(TABLE|INDEX)\b|\bPRAGMA\b",
    re.IGNORECASE,
)
SQL_CALLS = {"execute", "executescript", "executemany", "read_sql_query"}


def _docstrings(module: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _sql_in(source: str, where: str) -> list[str]:
    module = ast.parse(source, filename=where)
    prose = _docstrings(module)
    found = [
        f"{where}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(module)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and SQL.search(node.value)
    ]
    found += [
        f"{where}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]
    return found


def test_the_sql_scan_finds_a_statement_and_passes_prose() -> None:
    """Guard the guard: a query in code counts, the same words in a docstring do not."""
    code = 'def f(conn):\n    """Select the rows from the list."""\n    conn.execute("PRAGMA x")\n'
    assert _sql_in(code, "f.py") == ["f.py:3: 'PRAGMA x'", "f.py:3 calls .execute()"]
    assert _sql_in('QUERY = "SELECT code FROM families"\n', "q.py")
    assert not _sql_in('"""Wählen Sie aus der Liste die Datei aus."""\n', "d.py")


def test_every_sql_statement_lives_in_storage() -> None:
    """journeys/storage/ is the one package with SQL (the port to another database)."""
    outside = [p for p in PRODUCT if not rel(p).startswith("journeys/storage/")]
    found = [hit for p in outside for hit in _sql_in(p.read_text(encoding="utf-8"), rel(p))]
    assert not found, "SQL outside journeys/storage/:\n" + "\n".join(found)


# ---------------------------------------------------------------- sizes


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _limit(path: Path) -> tuple[int, str]:
    if path.name == "__init__.py":
        return FACE_LINES, "package face"
    if ROOT / "pages" in path.parents:
        return PAGE_LINES, "module under pages/"
    return MODULE_LINES, "module"


def test_the_size_check_sees_the_kinds_of_file() -> None:
    assert _limit(ROOT / "pages" / "families.py") == (PAGE_LINES, "module under pages/")
    part = ROOT / "pages" / "journey_parts" / "journey_view.py"
    assert _limit(part) == (PAGE_LINES, "module under pages/")
    assert _limit(ROOT / "pages" / "shared" / "__init__.py") == (FACE_LINES, "package face")
    assert _limit(ROOT / "journeys" / "storage" / "__init__.py") == (FACE_LINES, "package face")
    assert _limit(ROOT / "app.py") == (MODULE_LINES, "module")


def test_every_file_fits_in_a_head() -> None:
    """Every module under pages/ (page files and their parts) at most 300 lines, other
    product modules at most 500, package faces at most 100: put new capabilities in new,
    well-named modules."""
    too_long = []
    for path in PRODUCT:
        limit, kind = _limit(path)
        if (lines := _lines(path)) > limit:
            too_long.append(f"{rel(path)}: {lines} lines, over {limit} for a {kind}")
    assert not too_long, "\n".join(too_long)


# ---------------------------------------------------------------- nothing outside

# The design notes the project started from lived beside the repository; what the code
# relies on of them is in docs/ now (docs/domain.md, docs/architecture.md).
OUTSIDE = re.compile(
    r"\b(DESIGN|domain-research|landscape|style-anchors)\.md\b|\.\./(shared|seeds)/"
)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".yml", ".yaml", ".cfg", ".json", ".css"}
NOT_OURS = {".git", ".venv", "node_modules", "test-artifacts", ".cache", "__pycache__"}


def _text_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*")):
        parts = set(path.relative_to(ROOT).parts)
        hidden = parts & NOT_OURS or any(part.startswith(".") for part in parts)
        if (
            path.is_file()
            and not hidden
            and (path.suffix in TEXT_SUFFIXES or path.name == "Makefile")
        ):
            yield path


def test_nothing_refers_to_files_outside_the_repository() -> None:
    """A newcomer has the repository only: every reference leads to a file in it."""
    this = Path(__file__).resolve()
    found = [
        f"{rel(path)}:{number}: {line.strip()[:80]}"
        for path in _text_files()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "References to files outside the repository:\n" + "\n".join(found)


# ---------------------------------------------------------------- the map's paths


def _named_paths(text: str) -> list[str]:
    """Every path (``journeys/…``) and dotted module (``journeys.storage.core``) in backticks."""
    found = []
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.split("::")[0].rstrip(".,;:")
        if re.fullmatch(r"(journeys|barriers|pages|cli|bench)(\.[a-z_]\w*)+", token):
            found.append(token.replace(".", "/"))
        elif re.match(r"(journeys|barriers|pages|cli|bench|data|tests|docs)/", token):
            found.append(token)
    return found


def _exists(named: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", named).rstrip("/")
    if "*" in pattern:
        return any(ROOT.glob(pattern))
    path = ROOT / pattern
    if path.exists() or path.with_suffix(".py").exists():
        return True
    # a module's attribute (``journeys.storage.core.write``): its module exists
    return path.parent.with_suffix(".py").exists()


def test_every_path_the_map_names_exists() -> None:
    """A newcomer follows the map: every file, folder and module it names is there."""
    missing = sorted({p for p in _named_paths(MAP.read_text(encoding="utf-8")) if not _exists(p)})
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
