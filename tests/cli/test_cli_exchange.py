"""``zugangsatlas import`` and ``zugangsatlas export``: what an admin types and sees."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cli import main as cli
from journeys import demo, storage


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "quelle.db"
    demo.seed_demo(storage.connect(path), families=4, seed=8)
    return path


def codes(path: Path) -> set[str]:
    return set(storage.list_families(storage.connect(path))["code"])


def test_export_then_import_moves_every_family(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "datensatz.json"
    assert cli.main(["export", "--format", "json", "--db", str(source), "--out", str(out)]) == 0
    assert f"4 Familien als JSON exportiert nach {out}" in capsys.readouterr().out
    target = tmp_path / "ziel.db"
    assert cli.main(["import", str(out), "--db", str(target)]) == 0
    assert "4 Familien mit 4 Reisen und" in capsys.readouterr().out
    assert codes(target) == codes(source)


def test_import_into_a_used_database_says_ids_were_renumbered(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "datensatz.json"
    cli.main(["export", "--db", str(source), "--out", str(out)])  # json is the default
    target = tmp_path / "ziel.db"
    demo.seed_demo(storage.connect(target), families=2, seed=99)
    capsys.readouterr()
    assert cli.main(["import", str(out), "--db", str(target)]) == 0
    assert "neue Nummern (IDs)" in capsys.readouterr().out
    assert len(codes(target)) == 6


def test_a_broken_file_is_refused_with_every_problem_and_nothing_changes(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "datensatz.json"
    cli.main(["export", "--db", str(source), "--out", str(out)])
    document = json.loads(out.read_text(encoding="utf-8"))
    document["families"][0]["journeys"][0]["steps"][0]["stage_key"] = "mondphase"
    document["families"][2]["family"]["household_type"] = "wg"
    out.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "ziel.db"
    demo.seed_demo(storage.connect(target), families=1, seed=2)
    before = codes(target)
    capsys.readouterr()
    assert cli.main(["import", str(out), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert "wurde nicht importiert; es wurde nichts gespeichert. 2 Problem(e):" in err
    assert "Familie 1 (BG-" in err and "› Reise 1 › Schritt 1 › Phase: Die Phase „mondphase“" in err
    assert "Familie 3 (BG-" in err and "› Haushaltsform: ist keiner der erlaubten Werte" in err
    assert "Traceback" not in err
    assert codes(target) == before


def test_check_only_reports_and_writes_nothing(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "datensatz.json"
    cli.main(["export", "--db", str(source), "--out", str(out)])
    target = tmp_path / "ziel.db"
    assert cli.main(["import", str(out), "--check", "--db", str(target)]) == 0
    assert "ist in Ordnung: 4 Familien" in capsys.readouterr().out
    assert codes(target) == set()


@pytest.mark.parametrize("name", ["barrieren.ods", "barrieren.xls", "ohne_endung"])
def test_a_file_type_without_importer_names_the_accepted_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    path.write_text("Barriere;Familie\n", encoding="utf-8")
    target = tmp_path / "ziel.db"
    assert cli.main(["import", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler:")
    assert "kann nicht importiert werden. Möglich: .csv, .json, .xlsx" in err
    assert not target.exists()  # refused before a database was made


def test_a_missing_import_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", str(tmp_path / "fehlt.json"), "--db", str(tmp_path / "z.db")]) == 1
    assert "fehlt.json gibt es nicht" in capsys.readouterr().err
    assert cli.main(["import"]) == 1
    assert "Bitte die Datei angeben" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "xes"])
def test_the_event_log_is_exported_as_csv_or_xes(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"protokoll.{fmt}"
    assert cli.main(["export", "--format", fmt, "--db", str(source), "--out", str(out)]) == 0
    message = capsys.readouterr().out
    assert f"als {fmt.upper()}-Ereignisprotokoll exportiert nach {out}" in message
    data = out.read_bytes()
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbfcase:concept:name;concept:name;time:timestamp")
    else:
        traces = ET.fromstring(data).findall("{http://www.xes-standard.org/}trace")
        assert len(traces) == 4
    assert not list(tmp_path.glob("*.part"))


def test_chosen_families_are_exported_by_case_code(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = sorted(codes(source))[:2]
    out = tmp_path / "zwei.json"
    args = ["export", "--db", str(source), "--out", str(out)]
    assert cli.main([*args, "--family", chosen[0], "--family", chosen[1].lower()]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(f["family"]["code"] for f in document["families"]) == chosen
    assert cli.main([*args, "--family", "BG-ZZZZZZ"]) == 1
    assert "Den Fallcode BG-ZZZZZZ gibt es in dieser Datenbank nicht." in capsys.readouterr().err


def test_export_from_a_database_that_does_not_exist_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "tippfehler.db"
    out = tmp_path / "x.json"
    assert cli.main(["export", "--db", str(missing), "--out", str(out)]) == 1
    assert f"Die Datenbank {missing} gibt es nicht." in capsys.readouterr().err
    assert not missing.exists() and not out.exists()


def test_export_needs_a_target_file_in_an_existing_folder(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--db", str(source)]) == 1
    assert "Bitte mit --out angeben" in capsys.readouterr().err
    out = tmp_path / "gibt-es-nicht" / "x.json"
    assert cli.main(["export", "--db", str(source), "--out", str(out)]) == 1
    assert f"Den Ordner {out.parent} gibt es nicht." in capsys.readouterr().err


def test_an_unknown_export_format_is_refused_in_german(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["export", "--format", "pdf", "--db", str(source), "--out", str(tmp_path / "x")])
    assert caught.value.code != 0
    assert "„pdf“ ist kein Exportformat; möglich: json, csv, xes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "expected"),
    [("import", "vollständig geprüft"), ("export", "Ereignisprotokoll")],
)
def test_help_explains_each_command_in_german(
    capsys: pytest.CaptureFixture[str], command: str, expected: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main([command, "--help"])
    assert caught.value.code == 0
    assert expected in capsys.readouterr().out
