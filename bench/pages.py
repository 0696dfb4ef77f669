"""The benchmark of issue 13: every page opened and every changing click, as the server runs it.

``python -m bench.pages DB`` (run by ``bench.run`` in its own process, once per size) signs
in a coach, an analyst and an administrator, and measures with AppTest (each figure the
median of ``--repeats`` runs; one run before, not counted, so that imports and first-use
setup are not measured: a running server has done them long before):

- ``open_<page>_s``: a new session's first run of the page, every cache emptied before it
  (after a save every cached figure is stale, so this is what the first person after a
  change waits for);
- ``click_<action>_s``: the run a click makes (callback and page together) on a page that
  is already open: save a step, tag a barrier, change a tag's status, the next step in the
  Perspektivwechsel and in the workshop, filter and page the family list, pick a family,
  another filter on the Auswertung; and opening a step's tagging popover and its tag
  rows (``click_open_tagging_s``: it changes nothing, but the coach waits for it before
  tagging).

The Auswertung's first view and cached rerun are measured by ``bench.run``. Prints one
JSON line: per figure the clock and the processor seconds.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "pages"

# page -> (file, role, what its address carries: a family, the workshop, its join code, nothing)
OPENED: dict[str, tuple[str, str, str]] = {
    "familien": ("families.py", "coach", ""),
    "reise": ("journey.py", "coach", "family"),
    "perspektive": ("perspective.py", "coach", "family"),
    "ist_soll": ("soll.py", "coach", "family"),
    "bericht": ("report.py", "analyst", ""),
    "daten": ("data.py", "coach", ""),
    "workshop": ("workshop.py", "coach", ""),
    "praesentation": ("workshop_presenter.py", "coach", "workshop"),
    "teilnehmen": ("workshop_join.py", "coach", "join"),
    "einstellungen": ("settings.py", "admin", ""),
    "benutzer": ("users.py", "admin", ""),
    "sicherung": ("backup.py", "admin", ""),
    "datenschutz": ("privacy_admin.py", "admin", ""),
    "protokoll": ("audit_log.py", "admin", ""),
    "aufsuchende_hilfe": ("outreach.py", "coach", ""),
}


class Bench:
    """The accounts, one family with a journey and a workshop in the benchmark database."""

    def __init__(self, db_path: str) -> None:
        from journeys import demo, storage
        from journeys.archetypes import load_archetypes
        from journeys.models.permissions import UserRole
        from journeys.workshops import walkthrough as wsd

        os.chdir(ROOT)
        os.environ["ZUGANGSATLAS_DB"] = db_path
        self.db = storage.connect(db_path)
        roles = {
            "coach": [UserRole.COACH],
            "analyst": [UserRole.ANALYST],
            "admin": [UserRole.ADMIN, UserRole.COACH],
        }
        self.tokens: dict[str, str] = {}
        for name, held in roles.items():
            username = f"bench-{name}"
            user = storage.access.find_user(self.db, username) or storage.access.create_user(
                self.db, username, None, held, teams=[demo.DEMO_TEAM], sees_health=True
            )
            self.tokens[name] = storage.access.open_session(self.db, user_id=user.id)
        # A family of the demo team with a journey of at least five steps: the case pages'.
        family_id = next(
            int(row["id"])
            for row in storage.list_families(self.db, archetypes=False).head(200).to_dict("records")
            if row["steps"] >= 5
        )
        self.family = storage.get_family(self.db, family_id)
        self.code = self.family.code
        self.workshop = wsd.create_archetype_workshop(
            self.db, load_archetypes()[0], title="Benchmark", votes_per_participant=2
        )

    def page(self, file: str, role: str, **params: str) -> Any:
        """An AppTest of ``file``, signed in as ``role`` through the browser-cookie seam."""
        from streamlit.testing.v1 import AppTest

        from pages.session import browser_session
        from pages.web import web_routes

        at = AppTest.from_file(str(PAGES / file), default_timeout=600)
        jar = {web_routes.SESSION_COOKIE: self.tokens[role]}
        browser_session.browser_cookies = lambda: jar
        for key, value in params.items():
            at.query_params[key] = value
        return at

    def steps(self) -> list[Any]:
        from journeys import storage

        return storage.list_journeys(self.db, self.family.id or 0)[0].steps


Timing = tuple[float, float]


def timed(target: Any) -> Timing:
    """Seconds of one run of ``target`` (an AppTest, or a widget just changed): on the
    clock, and of processor time of this process (the page's own work, whatever else
    the machine is busy with)."""
    began, cpu = time.perf_counter(), time.process_time()
    at = target.run()
    seconds = (time.perf_counter() - began, time.process_time() - cpu)
    if at.exception:
        raise RuntimeError("Die Seite ist mit einem Fehler abgebrochen: " + str(at.exception))
    return seconds


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def median_of(repeats: int, once: Callable[[int], Timing]) -> Timing:
    """Median clock and processor seconds of ``once(0)`` … ``once(repeats - 1)``."""
    once(-1)  # not counted: imports and first-use setup
    runs = [once(i) for i in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


# ---------------------------------------------------------------- opening pages


def opens(bench: Bench, repeats: int) -> dict[str, Timing]:
    out: dict[str, Timing] = {}
    addresses = {
        "family": {"familie": bench.code},
        "workshop": {"workshop": str(bench.workshop.id)},
        "join": {"code": bench.workshop.join_code},
        "": {},
    }
    for name, (file, role, address) in OPENED.items():
        params = addresses[address]

        def once(_: int, file: str = file, role: str = role, params: dict = params) -> Timing:
            clear_caches()
            return timed(bench.page(file, role, **params))

        out[f"open_{name}_s"] = median_of(repeats, once)
    return out


# ---------------------------------------------------------------- clicks


def clicks(bench: Bench, repeats: int) -> dict[str, Timing]:
    from journeys import storage
    from journeys.models import Channel, HouseholdType, TagStatus

    out: dict[str, Timing] = {}
    code = bench.code

    # The family list: type into the search, go to the next page, pick a family.
    at = bench.page("families.py", "coach")
    at.run()
    searches = ["BG-2", "BG-3", "BG-4", "BG-5", "BG-6", "BG-7", "BG-8"]
    out["click_filter_families_s"] = median_of(
        repeats, lambda i: timed(at.text_input(key="fam_f_search").input(searches[i + 1]))
    )
    timed(at.text_input(key="fam_f_search").input(""))
    if any(box.key == "fam_page" for box in at.number_input):  # more than one page
        out["click_page_families_s"] = median_of(
            repeats, lambda i: timed(at.number_input(key="fam_page").increment())
        )
    shown = at.selectbox(key="fam_pick").options
    out["click_pick_family_s"] = median_of(
        repeats, lambda i: timed(at.selectbox(key="fam_pick").set_value(_code_of(shown[i + 1])))
    )

    # The journey: save a step, tag a barrier, change the status of that tag.
    at = bench.page("journey.py", "coach", familie=code)
    at.run()
    step = bench.steps()[0]
    channels = [c for c in Channel if c is not step.channel]

    def save(i: int) -> Timing:
        timed(at.button(key=f"journey_edit_{step.id}").click())
        at.selectbox(key=f"jse_{step.id}_channel").select(channels[(i + 1) % len(channels)])
        return timed(at.button(key=f"jse_{step.id}_save").click())

    out["click_save_step_s"] = median_of(repeats, save)
    # The tagging fields are drawn once the step's "Barriere markieren" popover is open,
    # the tag rows once its expander is: the coach opens both first, as here.
    opened = [f"jq_{step.id}_open", f"jx_{step.id}"]

    def open_tagging(i: int) -> Timing:
        for key in opened:
            at.session_state[key] = False
        timed(at)
        for key in opened:
            at.session_state[key] = True
        return timed(at)

    out["click_open_tagging_s"] = median_of(repeats, open_tagging)
    taken = {tag.barrier_key for tag in bench.steps()[0].tags}
    keys = [b.key for b in storage.get_taxonomy(bench.db).active_barriers() if b.key not in taken]

    def tag(i: int) -> Timing:
        at.selectbox(key=f"jq_{step.id}_barrier").set_value(keys[i + 1])
        return timed(at.button(key=f"jq_{step.id}_go").click())

    out["click_tag_barrier_s"] = median_of(repeats, tag)
    tag_id = bench.steps()[0].tags[-1].id
    statuses = [TagStatus.VERRINGERT, TagStatus.ERKANNT]

    def status(i: int) -> Timing:
        control = at.segmented_control(key=f"jt_{tag_id}_status")
        return timed(control.set_value(statuses[(i + 1) % 2]))

    out["click_tag_status_s"] = median_of(repeats, status)

    # The Perspektivwechsel and the workshop: the next step, and back.
    at = bench.page("perspective.py", "coach", familie=code)
    at.run()
    out["click_perspective_step_s"] = median_of(
        repeats, lambda i: timed(at.button(key="pv_next" if i % 2 else "pv_back").click())
    )
    at = bench.page("workshop.py", "coach", workshop=str(bench.workshop.id))
    at.run()
    out["click_workshop_step_s"] = median_of(
        repeats, lambda i: timed(at.button(key="wf_next" if i % 2 else "wf_prev").click())
    )

    # The Auswertung: another household type in the filter, every time a filter not
    # chosen before (so its figures are computed, not taken from the cache).
    at = bench.page("analysis.py", "analyst")
    at.run()
    kinds = [HouseholdType.ALLEINERZIEHEND, HouseholdType.PAAR_MIT_KINDERN, HouseholdType.SONSTIGE]
    choices = [list(c) for n in (1, 2) for c in itertools.combinations(kinds, n)]  # the demo's
    out["click_analysis_filter_s"] = median_of(
        min(repeats, len(choices) - 1),
        lambda i: timed(at.multiselect(key="an_household").set_value(choices[i + 1])),
    )

    # Aufsuchende Hilfe: record a visit that reached the first family of the worklist (it
    # leaves the list, so every click is another family's).
    at = bench.page("outreach.py", "coach")
    at.run()

    def visit(i: int) -> Timing:
        button = next(b for b in at.button if str(b.label).endswith(": erreicht"))
        return timed(button.click())

    out["click_outreach_visit_s"] = median_of(repeats, visit)
    return out


def _code_of(option: str) -> str:
    return option.split(" · ", 1)[0]


def measure(db_path: str, repeats: int) -> dict[str, Timing]:
    bench = Bench(db_path)
    return opens(bench, repeats) | clicks(bench, repeats)


if __name__ == "__main__":
    size_repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(json.dumps(measure(sys.argv[1], size_repeats)))
