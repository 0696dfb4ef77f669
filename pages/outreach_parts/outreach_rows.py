"""The worklist's rows: each family with its case code (leading to its Reise), why and
since when it is listed, its last stage, open barriers and last visit, and the outreach
visit in one click ("erreicht" or "nicht angetroffen") at the stage chosen beside it.

The visit is saved in the button's callback (``pages/session/guard.py`` checks the session
first), so the list drawn after it is read at the new data version: the family leaves
the list, or shows the visit, at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.formats import counted
from journeys.i18n import t
from journeys.models import Outcome
from pages.outreach_parts import outreach_data as data
from pages.session import guard
from pages.shared import actions, ui
from pages.shared.family_choice import page_link
from pages.shared.safe_text import md, month_label

SCOPE = "outreach_visit"  # where the visit's German problems are shown
DONE_KEY = "out_done"  # the last visit recorded in this session: (code, reached, month)
PREFIX = "out_"


def _reason(row: pd.Series, months_setting: int) -> str:
    return t(f"outreach.reason.{row['reason']}", months=months_setting)


def _months_text(since: str, today: str) -> str:
    """ "1 Monat", "18 Monate": how long the family has been without contact."""
    n = data.months_between(since, today)
    return counted(n, "outreach.months_one", "outreach.months_other")


GOALS_SHOWN = 3  # the first open goals in the family's words; the rest counted
GOAL_CHARS = 80  # a goal's words, shortened for the list (whole on the Familien page)


def _goals_text(goals: list[str]) -> str:
    if not goals:
        return t("outreach.none")
    words = [g if len(g) <= GOAL_CHARS else g[: GOAL_CHARS - 1] + "…" for g in goals]
    shown = "; ".join(words[:GOALS_SHOWN])
    rest = len(words) - GOALS_SHOWN
    return shown + (" " + t("outreach.more_goals", n=rest) if rest > 0 else "")


def _visit_text(row: pd.Series) -> str:
    if not isinstance(row["visit_month"], str):
        return t("outreach.none")
    reached = row["visit_outcome"] != Outcome.KONTAKTABBRUCH.value
    outcome = t("outreach.visit.outcome_reached" if reached else "outreach.visit.outcome_not_met")
    return t("outreach.visit.line", month=month_label(row["visit_month"]), outcome=outcome)


def _record(family_id: int, code: str, reached: bool, last_step: int | None, stage: str) -> None:
    """The button's callback: one step "aufsuchend" in this month, at the chosen stage."""
    month = data.this_month()
    chosen = st.session_state.get(stage) or None
    done = actions.run_action(
        SCOPE,
        lambda: storage.outreach.record_visit(
            ui.db(), family_id, reached=reached, month=month,
            expected_last_step=last_step, stage_key=chosen,
        ),
    )  # fmt: skip
    if done is None:
        st.session_state.pop(DONE_KEY, None)  # the problem shows instead of an older success
    else:
        st.session_state[DONE_KEY] = (code, reached, month)


def last_visit_notice() -> None:
    """What the last click recorded, with the way to change or undo it (the Reise page);
    shown once, in the run right after the click."""
    done = st.session_state.pop(DONE_KEY, None)
    if not done:
        return
    code, reached, month = done
    key = "outreach.visit.saved_reached" if reached else "outreach.visit.saved_not_met"
    st.success(t(key, code=code, month=month_label(month)), icon=":material/check_circle:")
    page_link(
        "pages/journey.py", t("outreach.visit.undo", code=code), url_path=f"reise?familie={code}",
        icon=":material/route:",
    )  # fmt: skip


def draw_rows(rows: pd.DataFrame, months_setting: int) -> None:
    """One bordered block per family, in the list's order."""
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    active = [s.key for s in ui.stages()]
    barriers = {b.key: b.label for b in ui.taxonomy().barriers}
    today = data.this_month()
    for row in rows.itertuples(index=False):
        item = pd.Series(row._asdict())
        code = str(item["code"])
        with st.container(border=True, key=f"{PREFIX}row_{code}"):
            page_link(
                "pages/journey.py", code, url_path=f"reise?familie={code}",
                icon=":material/route:",
            )  # fmt: skip
            since = str(item["since"])
            last = item["last_stage"] if isinstance(item["last_stage"], str) else None
            open_labels = [barriers.get(k, k) for k in item["open_barriers"]]
            lines = [
                f"{md(str(item['sozialraum']))} · {md(str(item['team']))}",
                f"**{t('outreach.col.reason')}:** {md(_reason(item, months_setting))} · "
                f"**{t('outreach.col.since')}:** {md(month_label(since))} "
                f"({_months_text(since, today)})",
                f"**{t('outreach.col.stage')}:** "
                + md(stages.get(last, last) if last else t("outreach.no_step_yet")),
                f"**{t('outreach.col.barriers')}:** "
                + md(", ".join(open_labels) if open_labels else t("outreach.none")),
                f"**{t('outreach.col.goals')}:** {md(_goals_text(item['open_goals']))}",
                f"**{t('outreach.col.visit')}:** {md(_visit_text(item))}",
            ]
            st.markdown("  \n".join(lines))
            _controls(item, stages, active, last)


def _controls(item: pd.Series, stages: dict[str, str], active: list[str], last: str | None) -> None:
    code = str(item["code"])
    options = active + ([last] if last and last not in active else [])
    stage_key = f"{PREFIX}stage_{code}"
    bar = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    bar.selectbox(
        t("outreach.visit.stage_for", code=code),
        options,
        index=options.index(last) if last in options else 0,
        format_func=lambda k: stages.get(k, k),
        key=stage_key,
        help=t("outreach.visit.stage_help"),
        width=260,
    )
    last_step = None if pd.isna(item["last_step_id"]) else int(item["last_step_id"])
    for reached in (True, False):
        word = "reached" if reached else "not_met"
        bar.button(
            t(f"outreach.visit.{word}_for", code=code),
            key=f"{PREFIX}{word}_{code}",
            help=t(f"outreach.visit.{word}_help"),
            icon=":material/how_to_reg:" if reached else ":material/door_front:",
            type="primary" if reached else "secondary",
            on_click=guard.guarded(_record),
            args=(int(item["family_id"]), code, reached, last_step, stage_key),
        )
