"""Opening what the journey page draws only on demand, as the coach's click does.

The "Barriere markieren" and "Wartet auf …" popovers of a step, its tag rows and the
journey map tab are drawn only while open (``pages/journey_parts/journey_tags.py``): in the browser
a click opens them and the page reruns. AppTest has no popover, expander or tab to
click, so these set the open state under the element's key, which is what the click
sends, and run the page. ``from journey_support import …``.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from journeys.i18n import t
from tests.support.apptest import run


def _open(at: AppTest, key: str, value: object = True) -> AppTest:
    at.session_state[key] = value
    return run(at)


def open_tagging(at: AppTest, step_id: int | None) -> AppTest:
    """Click the step's "Barriere markieren": its member, barrier and severity fields."""
    return _open(at, f"jq_{step_id}_open")


def open_tags(at: AppTest, step_id: int | None) -> AppTest:
    """Open the step's "Barrieren dieses Schritts" rows: status, date, service, note."""
    return _open(at, f"jx_{step_id}")


def open_waits(at: AppTest, step_id: int | None) -> AppTest:
    """Click the step's "Wartet auf …": the fields of a new wait."""
    return _open(at, f"jd_{step_id}_open")


def show_map(at: AppTest) -> AppTest:
    """Switch to the "Journey Map" tab."""
    return _open(at, "journey_tab", t("journey.tab_map"))


def show_steps(at: AppTest) -> AppTest:
    """Switch back to the tab with the list of steps."""
    return _open(at, "journey_tab", t("journey.tab_steps"))
