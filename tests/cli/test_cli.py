"""The ``zugangsatlas`` command: what an admin types, what lands in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import main as cli
from journeys import storage


def families_in(path: Path) -> int:
    return storage.count_families(storage.connect(path))


def test_demo_writes_the_requested_number_of_families(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "atlas.db"
    assert cli.main(["demo", "--db", str(path), "--families", "5"]) == 0
    assert families_in(path) == 5
    out = capsys.readouterr().out
    assert "5 synthetische Familien geschrieben" in out


def test_demo_if_empty_writes_nothing_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "atlas.db"
    assert cli.main(["demo", "--db", str(path), "--families", "5", "--if-empty"]) == 0
    assert cli.main(["demo", "--db", str(path), "--families", "5", "--if-empty"]) == 0
    assert families_in(path) == 5
    assert "keine Demodaten geschrieben" in capsys.readouterr().out


def test_demo_without_if_empty_adds_more(tmp_path: Path) -> None:
    path = tmp_path / "atlas.db"
    cli.main(["demo", "--db", str(path), "--families", "3"])
    cli.main(["demo", "--db", str(path), "--families", "2", "--seed", "9"])
    assert families_in(path) == 5


def test_the_same_seed_writes_the_same_codes(tmp_path: Path) -> None:
    codes = []
    for name in ("a.db", "b.db"):
        cli.main(["demo", "--db", str(tmp_path / name), "--families", "4", "--seed", "77"])
        codes.append(list(storage.list_families(storage.connect(tmp_path / name))["code"]))
    assert codes[0] == codes[1]


def test_the_database_comes_from_the_environment_without_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    assert cli.main(["demo", "--families", "2"]) == 0
    assert families_in(path) == 2


def _folder(tmp_path: Path) -> Path:
    return tmp_path


def _below_a_file(tmp_path: Path) -> Path:
    blocker = tmp_path / "datei.txt"
    blocker.write_text("kein Ordner", encoding="utf-8")
    return blocker / "atlas.db"


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notizen.db"
    path.write_text("Das ist keine Datenbank, nur Text. " * 200, encoding="utf-8")
    return path


@pytest.mark.parametrize("bad_path", [_folder, _below_a_file, _not_a_database])
def test_a_bad_database_path_fails_with_a_german_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_path
) -> None:
    code = cli.main(["demo", "--db", str(bad_path(tmp_path)), "--families", "2"])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("Fehler")
    assert "Traceback" not in err


def test_an_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["zaubern"])
    assert caught.value.code != 0
    assert "zaubern" in capsys.readouterr().err
