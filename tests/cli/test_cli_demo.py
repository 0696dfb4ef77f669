"""``zugangsatlas demo --entfernen`` and ``--if-empty``: what an admin types, what stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import main as cli
from journeys import storage
from journeys.models import Family, HouseholdType, Member, Role
from journeys.models.permissions import UserRole


def test_entfernen_removes_the_demo_data_and_keeps_real_families_and_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "atlas.db"
    assert cli.main(["demo", "--db", str(path), "--families", "5"]) == 0
    db = storage.connect(path)
    storage.teams.create_team(db, "Team Nord")
    real = storage.save_family(
        db,
        Family(
            code="BG-NRD234",
            sozialraum="Ennigerloh",
            household_type=HouseholdType.PAAR_MIT_KINDERN,
            team="Team Nord",
            members=[Member(role=Role.VATER, age_band="25-34")],
        ),
    )
    storage.access.create_user(db, "leitung", None, [UserRole.ADMIN])
    entries = storage.audit.count(db)
    capsys.readouterr()

    assert cli.main(["demo", "--entfernen", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Demodaten entfernt: 5 synthetische Familien")
    assert list(storage.list_families(db)["code"]) == [real.code]
    assert [a.user.username for a in storage.access.list_users(db)] == ["leitung"]
    assert storage.audit.count(db) == entries + 1

    assert cli.main(["demo", "--entfernen", "--db", str(path)]) == 1
    assert "Fehler: Es sind keine Demodaten gespeichert." in capsys.readouterr().err


def test_if_empty_never_brings_removed_demo_data_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "atlas.db"
    cli.main(["demo", "--db", str(path), "--families", "3", "--if-empty"])
    cli.main(["demo", "--db", str(path), "--entfernen"])
    capsys.readouterr()
    assert cli.main(["demo", "--db", str(path), "--if-empty"]) == 0  # the next `make run`
    assert "keine Demodaten geschrieben" in capsys.readouterr().out
    assert storage.count_families(storage.connect(path)) == 0


def test_if_empty_writes_nothing_once_an_account_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "atlas.db"
    storage.access.create_user(storage.connect(path), "leitung", None, [UserRole.ADMIN])
    assert cli.main(["demo", "--db", str(path), "--if-empty"]) == 0
    assert "keine Demodaten geschrieben" in capsys.readouterr().out
    assert storage.count_families(storage.connect(path)) == 0


def test_entfernen_and_if_empty_do_not_go_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["demo", "--db", str(tmp_path / "a.db"), "--if-empty", "--entfernen"])
    assert "--entfernen" in capsys.readouterr().err
