"""``zugangsatlas report``: the committee report from the command line (for a yearly job)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from cli import main as cli
from journeys import demo, storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    demo.seed_demo(storage.connect(path), families=30, seed=4)
    return path


def _run(*argv: str) -> int:
    return cli.main(list(argv))


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "csv", "md"])
def test_writes_each_format(db_path: Path, tmp_path: Path, fmt: str, capsys) -> None:
    out = tmp_path / f"bericht.{fmt}"
    code = _run("report", "--format", fmt, "--k", "5", "--betreff", "Jahresbericht 2025",
                "--db", str(db_path), "--out", str(out))  # fmt: skip
    assert code == 0
    assert out.is_file() and out.stat().st_size > 0
    assert not list(tmp_path.glob("*.part"))
    assert "Bericht geschrieben" in capsys.readouterr().out


def test_docx_carries_betreff_and_period(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    code = _run("report", "--format", "docx", "--from", "2025-01", "--to", "2025-06",
                "--betreff", "Halbjahr", "--db", str(db_path), "--out", str(out))  # fmt: skip
    assert code == 0
    document = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Halbjahr" in text
    assert "Januar 2025 bis Juni 2025" in text
    assert not re.search(r"BG-[A-Z0-9]{6}", text)


def test_sozialraum_filter_and_too_few_families(db_path: Path, tmp_path: Path) -> None:
    place = storage.list_sozialraeume(storage.connect(db_path))[0]
    out = tmp_path / "b.md"
    code = _run("report", "--format", "md", "--k", "30", "--sozialraum", place,
                "--db", str(db_path), "--out", str(out))  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "weniger als 30 Familien" in text
    assert "| " not in text.split("## Ergebnisse", 1)[1]  # no table after the header box


def test_k_below_three_is_refused_in_german(db_path: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run("report", "--k", "2", "--db", str(db_path), "--out", str(tmp_path / "b.md"))
    assert exit_info.value.code != 0
    assert "mindestens 3" in capsys.readouterr().err
    assert not (tmp_path / "b.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13"], "JJJJ-MM"),
        (["--format", "odt"], "Unbekanntes Format"),
    ],
)
def test_bad_arguments_are_refused_in_german(
    db_path: Path, tmp_path: Path, capsys, args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run("report", *args, "--db", str(db_path), "--out", str(tmp_path / "b.md"))
    assert exit_info.value.code != 0
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-06", "--to", "2025-01"], "Zeitraum"),
        (["--sozialraum", "Atlantis"], "Atlantis"),
    ],
)
def test_problems_exit_non_zero_with_a_german_message(
    db_path: Path, tmp_path: Path, capsys, args: list[str], message: str
) -> None:
    out = tmp_path / "b.md"
    assert _run("report", *args, "--db", str(db_path), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler") and message in err
    assert not out.exists()


def test_missing_database_and_folder_are_refused(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nirgends.db"
    assert _run("report", "--db", str(missing), "--out", str(tmp_path / "b.md")) == 1
    assert "gibt es nicht" in capsys.readouterr().err
    assert not missing.exists()
    assert _run("report", "--db", str(missing), "--out", str(tmp_path / "x" / "b.md")) == 1
    assert "Fehler" in capsys.readouterr().err
