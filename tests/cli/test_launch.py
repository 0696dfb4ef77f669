"""``zugangsatlas start``: the Streamlit command it runs, and German refusals.

The server itself is started from an installed wheel in tests/test_packaging.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cli import main as cli
from cli.launch import streamlit_command
from journeys import paths


def _command(*argv: str) -> list[str]:
    return streamlit_command(cli.build_parser().parse_args(["start", *argv]))


def test_start_runs_the_app_script_of_this_installation() -> None:
    command = _command()
    assert command == [sys.executable, "-m", "streamlit", "run", str(paths.APP_SCRIPT)]
    assert Path(command[-1]).is_file()


def test_port_address_and_further_options_reach_streamlit_last_wins() -> None:
    command = _command(
        "--port", "8642", "--address", "0.0.0.0", "--", "--server.baseUrlPath", "atlas"
    )  # fmt: skip
    assert command[5:] == [
        "--server.port", "8642", "--server.address", "0.0.0.0",
        "--server.baseUrlPath", "atlas",
    ]  # fmt: skip


@pytest.mark.parametrize("port", ["0", "70000", "acht"])
def test_a_bad_port_is_refused_in_german(capsys: pytest.CaptureFixture[str], port: str) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["start", "--port", port])
    assert caught.value.code == 2
    assert f"„{port}“ ist kein Port" in capsys.readouterr().err


def test_an_option_without_dashes_is_refused_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["start", "--", "server.port", "9"]) == 1
    assert "„server.port“ ist keine Streamlit-Option" in capsys.readouterr().err


def test_the_checkout_finds_its_data_and_keeps_the_database_in_data() -> None:
    root = Path(__file__).resolve().parents[2]
    assert paths.CHECKOUT and root == paths.APP_DIR
    assert (paths.DATA_DIR / "i18n" / "de" / "launch.toml").is_file()
    assert paths.default_db_path() == root / "data" / "zugangsatlas.db"


def test_an_installed_copy_keeps_its_database_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paths, "CHECKOUT", False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.default_db_path() == tmp_path / "zugangsatlas" / "zugangsatlas.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "zugangsatlas" / "zugangsatlas.db"
    assert paths.default_db_path() == expected
