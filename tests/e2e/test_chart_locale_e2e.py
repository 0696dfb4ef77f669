"""Charts speak German numbers and months in the real browser (issue #13).

Vega formats axis labels and tooltips itself, in English unless told otherwise:
"1,000", "January". ``pages/chart_text.describe`` (through which every chart of the app
is drawn) gives each chart the interface language's locale. A small Streamlit script
(``chart_locale_app.py``) draws a chart with figures over 1,000, decimals and months
through it, and the test reads what Vega drew.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import PAGE_TIMEOUT_MS, ROOT, screenshot
from playwright.sync_api import Page, expect

APP = Path(__file__).resolve().parent / "chart_locale_app.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
LABELS_JS = "() => [...document.querySelectorAll('.vega-embed svg text')].map(t => t.textContent)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def chart_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("chart_locale") / "streamlit.log"
    command = [
        str(STREAMLIT), "run", str(APP), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(log.read_text(errors="replace")[-3000:], pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_axis_labels_and_tooltips_show_german_numbers_and_months(
    chart_server: str, page: Page
) -> None:
    page.goto(chart_server)
    chart = page.locator(".vega-embed svg").first
    expect(chart).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(chart.locator("text", has_text="1.000")).to_have_count(1)
    labels = page.evaluate(LABELS_JS)
    assert {"1.000", "2.000", "4.000"} <= set(labels), labels
    assert {"März", "Mai", "Oktober"} <= set(labels), labels
    assert not {"1,000", "March", "May", "October"} & set(labels), labels
    # Each point's text for a screen reader (and its tooltip): the decimal comma.
    points = page.evaluate(
        "() => [...document.querySelectorAll('.vega-embed [role=graphics-symbol]')]"
        ".map(p => p.getAttribute('aria-label'))"
    )
    said = " | ".join(p for p in points if p)
    assert "Familien: 1234,5" in said and "Familien: 2500,25" in said, said
    assert "1234.5" not in said and "Mär 01" in said, said
    screenshot(page, "chart-locale-german")
