"""Streamlit's own English is translated, and the translation keeps up with Streamlit.

The app's HTML page is rewritten by ``pages.web.german_shell.GermanShell``: ``lang="de"`` and
a German title before any script runs, and the translation script for what Streamlit's
JavaScript draws later. These tests guard the table
``data/i18n/de/frontend/streamlit.toml`` against a Streamlit upgrade: a string Streamlit
no longer has means Streamlit reworded it (the new wording would show in English), and a
new Streamlit version must be looked at before the pin moves.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
import streamlit

from journeys.i18n import I18N_DIR
from pages.web import german_shell

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from test_german_e2e import STREAMLIT_ENGLISH

STATIC = Path(streamlit.__file__).parent / "static"
TABLE = I18N_DIR / "de" / "frontend" / "streamlit.toml"


@cache
def bundle() -> str:
    """Streamlit's whole frontend: every JavaScript file it serves."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((STATIC / "static" / "js").glob("*.js"))
    )


def _literal_parts(pattern: str) -> list[str]:
    """The plain text pieces of a regular expression (what must be in Streamlit's code)."""
    body = pattern.strip("^$")
    body = re.sub(r"\(\?:[^)]*\)|\([^)]*\)|\\d\+?|\.\*|\.\+|\?", "\0", body)
    return [p.replace("\\", "") for p in body.split("\0") if len(p.strip()) >= 4]


def test_the_table_was_reviewed_for_the_installed_streamlit() -> None:
    """A new Streamlit brings new English: run the German browser test, extend the table,
    then set ``reviewed_with`` to the new version."""
    reviewed = tomllib.loads(TABLE.read_text(encoding="utf-8"))["reviewed_with"]
    assert reviewed == streamlit.__version__


def test_every_translated_text_is_still_in_streamlit() -> None:
    exact, _ = german_shell.translations("de")
    gone = [en for en in exact if f"`{en}`" not in bundle() and f'"{en}"' not in bundle()]
    assert not gone, f"Streamlit hat diese Texte nicht mehr (umformuliert?): {gone}"


def test_every_translated_pattern_still_matches_streamlit_text() -> None:
    """By the pieces listed under ``[sources]``, or by the pattern's own plain text."""
    _, patterns = german_shell.translations("de")
    sources = tomllib.loads(TABLE.read_text(encoding="utf-8")).get("sources", {})
    assert set(sources) <= set(patterns)
    gone = [
        p for p in patterns for part in sources.get(p, _literal_parts(p)) if part not in bundle()
    ]
    assert not gone, f"Streamlit hat diese Textteile nicht mehr: {gone}"


def _covered(english: str) -> bool:
    exact, patterns = german_shell.translations("de")
    if any(english in key for key in exact):
        return True
    return any(english in part for p in patterns for part in _literal_parts(p))


def test_every_watched_english_string_in_streamlit_has_a_translation() -> None:
    """What the browser test watches for and Streamlit can show is in the table."""
    in_bundle = [s for s in STREAMLIT_ENGLISH if s in bundle()]
    assert len(in_bundle) > 40  # the scan reads the real bundle
    assert not [s for s in in_bundle if not _covered(s)]


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Select all", "Alle auswählen"),
        ("No results", "Keine Treffer"),
        ("Choose an option", "Bitte wählen"),
        ("Upload", "Hochladen"),
        ("yyyy", "JJJJ"),
        ("Download as CSV", "Als CSV herunterladen"),
        ("Page not found", "Seite nicht gefunden"),
    ],
)
def test_the_table_says_it_in_german(english: str, german: str) -> None:
    assert german_shell.translations("de")[0][english] == german


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Add: Stadtteilbüro", "Hinzufügen: Stadtteilbüro"),
        ("Help for Sozialraum", "Hilfe zu Sozialraum"),
        ("200MB per file", "Höchstens 200 MB je Datei"),
        ("Press Enter to submit form", "Eingabetaste zum Absenden des Formulars"),
        ("Press ⌘+Enter to apply", "⌘+Eingabetaste zum Übernehmen"),
        (
            "X-axis titled 'Familien' for a linear scale with values from 0 to 16",
            "X-Achse „Familien“, Werte von 0 bis 16",
        ),
        (
            "Y-axis for a discrete scale with 15 values: a, b, ending with c",
            "Y-Achse mit 15 Werten: a, b, zuletzt c",
        ),
        ("day, Sitzungstermin", "Tag, Sitzungstermin"),
        ("3 – March", "3 – März"),
    ],
)
def test_patterns_keep_the_variable_part(english: str, german: str) -> None:
    _, patterns = german_shell.translations("de")
    for pattern, replacement in patterns.items():
        js_replacement = re.sub(r"\$(\d)", r"\\\1", replacement)
        if re.fullmatch(pattern, english):
            assert re.sub(pattern, js_replacement, english) == german
            return
    pytest.fail(f"kein Muster für {english!r}")


# ---------------------------------------------------------------- the served page


def _serve(path: str, body_chunks: list[bytes], content_type: bytes = b"text/html") -> dict:
    """Run the middleware around an app that answers with ``body_chunks``."""
    seen_headers: list = []

    async def app(scope, receive, send):
        seen_headers.extend(scope["headers"])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", b"1")],
            }
        )
        for i, chunk in enumerate(body_chunks):
            more = i < len(body_chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept-encoding", b"gzip"), (b"host", b"x")],
    }
    # In a thread of its own: a worker that ran browser tests before has Playwright's
    # event loop running in this thread, and asyncio.run() refuses to start beside it.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, german_shell.GermanShell(app)(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = dict(sent[0]["headers"])
    return {"body": body, "headers": headers, "request_headers": dict(seen_headers)}


def test_every_page_is_served_in_german_before_any_script_runs() -> None:
    index = (STATIC / "index.html").read_bytes()
    half = len(index) // 2
    served = _serve("/familien", [index[:half], index[half:]])
    html = served["body"].decode("utf-8")
    assert '<html lang="de">' in html and 'lang="en"' not in html
    assert "<title>Zugangsatlas</title>" in html
    assert "You need to enable JavaScript" not in html
    assert "braucht JavaScript" in html
    assert '"Select all": "Alle auswählen"' in html
    assert served["headers"][b"content-length"] == str(len(served["body"])).encode()
    assert b"accept-encoding" not in served["request_headers"]  # not compressed: rewritable


def test_other_answers_pass_unchanged() -> None:
    served = _serve("/static/js/index.js", [b'lang="en"'], content_type=b"text/javascript")
    assert served["body"] == b'lang="en"'
    assert b"accept-encoding" in served["request_headers"]


def test_the_script_cannot_be_ended_by_a_translation() -> None:
    assert "</script" not in german_shell._json_for_script({"x": "</script><script>"})
