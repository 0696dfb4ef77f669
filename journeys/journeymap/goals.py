"""The family's goals beside the journey: a block above the legend, readable at a glance.

One row per goal: its status as a coloured tag, the goal in the family's words, what the
family will do themselves (or that this is still open), for whom, and since or when.
Every text is the family's and is escaped for Graphviz's HTML labels; long texts wrap and
are cut with "…". Goals that were dropped ("verworfen") come last, in grey.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys.i18n import t
from journeys.journeymap.dot import Html, html_escape, html_lines
from journeys.journeymap.style import INK, MUTED
from journeys.models.goals import Goal, GoalStatus

GOAL_CHARS = 60  # characters of a goal per line
OWN_CHARS = 70
STATUS_COLOR = {  # dark enough to read on white
    GoalStatus.OFFEN: "#0D47A1",
    GoalStatus.IN_ARBEIT: "#8A3B00",
    GoalStatus.ERREICHT: "#1B5E20",
    GoalStatus.VERWORFEN: "#455A64",
}
_ORDER = {GoalStatus.IN_ARBEIT: 0, GoalStatus.OFFEN: 1, GoalStatus.ERREICHT: 2}


def _since(goal: Goal) -> str:
    change = goal.history[-1]
    key = "goals.map.reached_on" if goal.status is GoalStatus.ERREICHT else "goals.map.since"
    return t(key, day=f"{change.on:%d.%m.%Y}")


def goals_table(goals: Sequence[Goal], members: dict[int, str]) -> Html:
    """The block of the family's goals (empty when there are none)."""
    if not goals:
        return Html("")
    ordered = sorted(goals, key=lambda g: _ORDER.get(g.status, 3))
    rows = []
    for goal in ordered:
        color = STATUS_COLOR[goal.status]
        whom = members.get(goal.member_id, "") if goal.member_id else t("goals.form.whole_family")
        own_html = (
            f"{html_escape(t('goals.map.own_part'))} {html_lines(goal.own_part, OWN_CHARS, 2)}"
            if goal.has_own_part
            else html_escape(t("goals.map.own_part_missing"))
        )
        text_color = MUTED if goal.status is GoalStatus.VERWORFEN else INK
        rows.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{color}">■ <B>'
            f'{html_escape(goal.status.label)}</B></FONT>  <FONT COLOR="{text_color}"><B>'
            f'{html_lines(goal.text, GOAL_CHARS, 3)}</B></FONT><BR ALIGN="LEFT"/>'
            f'<FONT POINT-SIZE="8" COLOR="{MUTED}">{own_html}<BR ALIGN="LEFT"/>'
            f"{html_escape(whom)} · {html_escape(_since(goal))}</FONT></TD></TR>"
        )
    return Html(
        '<TABLE BORDER="1" COLOR="#CFD8DC" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">'
        f'<TR><TD ALIGN="LEFT"><B>{html_escape(t("goals.map.title"))}</B></TD></TR>'
        f"{''.join(rows)}</TABLE>"
    )


def with_goals(legend: Html, goals: Html, resources: Html | None = None) -> Html:
    """The graph's label: the goals and the resources side by side above the legend (the
    legend alone without either)."""
    if not goals and not resources:
        return legend
    resources = resources or Html("")
    top = "".join(
        f'<TD ALIGN="LEFT" VALIGN="TOP">{block}</TD>' for block in (goals, resources) if block
    )
    return Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="6" CELLPADDING="0">'
        f"<TR>{top}<TD></TD></TR>"
        f'<TR><TD ALIGN="LEFT" COLSPAN="3">{legend}</TD></TR></TABLE>'
    )
