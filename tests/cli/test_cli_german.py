"""The command line speaks German: usage line, help sections, -h and argparse's errors."""

from __future__ import annotations

import argparse
import ast
import gettext

import pytest

from cli import german as cli_german
from cli import main as cli

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "invalid")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out + err


def test_help_is_german(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(capsys, "--help")
    assert code == 0
    assert text.startswith("Aufruf: zugangsatlas [-h] BEFEHL ...")
    assert "Argumente:" in text and "Optionen:" in text
    assert "-h, --help  diese Hilfe zeigen und beenden" in text
    assert not [word for word in ENGLISH if word in text]


def test_help_of_a_command_is_german(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(capsys, "export", "--help")
    assert code == 0
    assert text.startswith("Aufruf: zugangsatlas export [-h]")
    assert "--db DATENBANK" in text
    assert not [word for word in ENGLISH if word in text]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "zugangsatlas: Fehler: diese Argumente fehlen: BEFEHL"),
        (("bla",), "zugangsatlas: Fehler: Argument BEFEHL: ungültige Auswahl: 'bla'"),
        (("export", "--nix"), "zugangsatlas: Fehler: unbekannte Argumente: --nix"),
        (("export", "--out"), "Fehler: Argument --out: erwartet einen Wert"),
    ],
)
def test_mistakes_are_refused_in_german(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, text = _run(capsys, *argv)
    assert code == 2
    assert text.startswith("Aufruf: zugangsatlas")
    assert message in text
    assert not [word for word in ENGLISH if word in text]


def test_argparse_is_english_again_outside_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only our parser speaks German: the module is restored after each run."""
    _run(capsys, "--help")
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is gettext.ngettext


def _argparse_texts() -> tuple[set[str], set[str]]:
    """Every text argparse looks up: ``_("…")`` and the singulars of ``ngettext``."""
    tree = ast.parse(open(argparse.__file__, encoding="utf-8").read())  # noqa: SIM115
    single, plural = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if node.func.id == "_":
                    single.add(first.value)
                elif node.func.id == "ngettext":
                    plural.add(first.value)
    return single, plural


def test_every_argparse_text_has_a_german_one() -> None:
    """A new Python may bring new argparse texts: this fails until they are translated."""
    single, plural = _argparse_texts()
    assert "usage: " in single and "expected %s argument" in plural  # the scan works
    table = cli_german.table("de")
    assert not sorted(single - set(table["messages"]))
    assert not sorted(plural - set(table["plurals"]))


def test_plurals_follow_the_german_rule() -> None:
    with cli_german.german_argparse():
        assert argparse.ngettext("expected %s argument", "expected %s arguments", 1) == (
            "erwartet %s Wert"
        )
        assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == (
            "erwartet %s Werte"
        )
