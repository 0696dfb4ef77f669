"""Every file the command line writes is readable by its owner only (issue 11, finding 7).

Exports, reports and backups hold social data or figures about families; on a shared
server a file created with the usual umask (0644) could be read by every local user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import main as cli
from journeys import demo, storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    demo.seed_demo(storage.connect(path), families=12, seed=3)
    return path


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give a user: new files 0644 unless the program says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


COMMANDS = [
    ("export-json", ["export", "--format", "json"], "daten.json"),
    ("export-csv", ["export", "--format", "csv"], "ereignisse.csv"),
    ("export-xes", ["export", "--format", "xes"], "ereignisse.xes"),
    ("export-fallkonferenz", ["export", "--zweck", "fallkonferenz"], "fk.json"),
    ("bericht-docx", ["report", "--format", "docx", "--k", "3"], "vorlage.docx"),
    ("bericht-md", ["report", "--format", "md", "--k", "3"], "vorlage.md"),
    ("sicherung", ["backup"], "sicherung.db"),
]


@pytest.mark.parametrize(("name", "argv", "file"), COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("existing", [False, True], ids=["neu", "ueberschrieben"])
def test_command_line_output_is_readable_by_the_owner_only(
    db_path: Path, tmp_path: Path, name: str, argv: list[str], file: str, existing: bool
) -> None:
    out = tmp_path / file
    if existing:  # an older file that everybody could read is replaced, not reused
        out.write_text("alt")
        out.chmod(0o644)
    assert cli.main([*argv, "--db", str(db_path), "--out", str(out)]) == 0
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode == 0o600, f"{name}: {oct(mode)}"
    assert out.stat().st_size > 3
    assert not list(tmp_path.glob("*.part"))


def test_a_planted_part_file_is_not_followed(db_path: Path, tmp_path: Path) -> None:
    """A link someone left at the temporary name must not redirect the export."""
    elsewhere = tmp_path / "fremd.txt"
    elsewhere.write_text("unberührt")
    out = tmp_path / "daten.json"
    (tmp_path / "daten.json.part").symlink_to(elsewhere)
    assert cli.main(["export", "--db", str(db_path), "--out", str(out)]) == 0
    assert elsewhere.read_text() == "unberührt"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
