"""The current step as the projector shows it: compact enough to fit one screen with what
the room found beside it, at 1280×720 as at 1920×1080, in type readable from the back.

Each facet of the family's perspective is one paragraph with its heading in front (not a
heading line of its own), where and how is one line, and the barriers already on the
journey are one line too. Only what ``workshop.step_view`` hands out; user text is
Markdown-escaped and case codes are blanked (``workshop_widgets.shown``).
"""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t
from journeys.workshops import walkthrough as wsd
from pages.shared import widgets as w
from pages.workshop_parts import workshop_widgets as ww


def capped(lines: list[str], rows: int) -> list[str]:
    """At most ``rows`` lines; the last says how many more the facilitator's laptop shows."""
    if len(lines) <= rows:
        return lines
    more = len(lines) - rows + 1
    return [*lines[: rows - 1], w.md(t("workshop_pages.more_on_laptop", n=more))]


def facets(view: wsd.PresenterStep) -> list[tuple[str, str]]:
    """The family's perspective at the step: (heading, text) of each facet with text."""
    pairs = [
        (t("workshop_pages.sees"), view.sees),
        (t("workshop_pages.brings"), view.brings),
        (t("workshop_pages.understands"), view.understands),
        (t("workshop_pages.feels"), view.feels),
    ]
    return [(heading, text) for heading, text in pairs if text.strip()]


def projected_step(view: wsd.PresenterStep, *, key: str) -> None:
    """The stage as the heading, then service, channel, outcome and who; the perspective;
    mood and quote; the barriers the journey already has at this step."""
    with st.container(key=key):
        st.markdown(f"## {ww.shown(view.stage_label)}")
        where = [view.service_name, view.channel.label, view.outcome.label]
        if view.members:
            where.append(
                t("workshop_pages.members", members=", ".join(m.label for m in view.members))
            )
        st.markdown(ww.shown(" · ".join(x for x in where if x)))
        shown = facets(view)
        if shown:
            st.markdown(
                "\n\n".join(f"**{w.md(heading)}:** {ww.shown(text)}" for heading, text in shown)
            )
        else:
            st.markdown(f"*{w.md(t('workshop_pages.nothing_recorded'))}*")
        mood = t("workshop_pages.emotion", emotion=t(f"workshop_pages.emotion_word.{view.emotion}"))
        if view.quote.strip():
            st.markdown(f"> „{ww.shown(view.quote)}“ · {w.md(mood)}")
        else:
            st.markdown(w.md(mood))
        if view.tags:
            tags = ", ".join(
                t("workshop_pages.tag_line", barrier=tag.label, who=tag.who) for tag in view.tags
            )
            st.markdown(f"**{w.md(t('workshop_pages.on_journey'))}** {w.md(tags)}")
