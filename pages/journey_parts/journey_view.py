"""Die Reise einer Familie: the coach's case view of one family's Ist-Reise.

The coach records the steps of the journey, tags barriers on each step in a few clicks,
follows each barrier from *erkannt* to *beseitigt*, and sees the whole path as a journey
map. Tags, their status and the order of steps are written the moment they change; a
step is written with "Schritt speichern", and until then the open step editor is kept as
the user's draft on the server (``pages/journey_parts/step_editor.py``,
``pages/journey_parts/step_drafts.py``), so a
reload, another page or a second device finds it again.

Saves run in widget callbacks (see ``pages/shared/widgets.py``): they happen before the page is
drawn, so the list and the map already show the change, and a failed save shows its
German message where it happened while the rest of the page stays.

This module draws the family's header and the two tabs; what they hold is in the other parts:
the page's context in ``journey_context.py``, the step list in ``journey_steps.py``, the map
in ``journey_map_tab.py``. The page file ``pages/journey.py`` only checks the permission and
calls ``main``: pages stay small, and AppTest (the tests, ``make bench``) compiles a page file
on every run.
"""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t
from journeys.models import Family
from journeys.models.permissions import User
from pages.journey_parts import journey_context as jc
from pages.journey_parts import journey_extras as jx
from pages.journey_parts import journey_map_tab as jm
from pages.journey_parts import journey_steps as js
from pages.journey_parts import step_drafts as sd
from pages.journey_parts import step_open as so
from pages.shared import ui
from pages.shared import widgets as w

PICK = "journey_family_pick"
CONFIRM = so.CONFIRM  # id of the step waiting for delete confirmation
TAB = "journey_tab"  # the tab on screen: the step list or the journey map

ss = st.session_state


# ---------------------------------------------------------------- which family


def _on_pick() -> None:
    """Another family: close the editor and any open confirmation of the previous one.

    The user's draft of that editor stays on the server and comes back with the family."""
    sd.close_editor()
    ss.pop(CONFIRM, None)


def _select_family() -> Family | None:
    return w.select_family("journey", pick_key=PICK, page_title=t("nav.journey"), on_pick=_on_pick)


def _header(family: Family) -> None:
    line = t(
        "journey.header_line",
        sozialraum=family.sozialraum,
        household=family.household_type.label,
    )
    if family.team:
        line = f"{line} · {family.team}"
    st.markdown(f"**{w.md(line)}**")
    members = []
    for member in family.members:
        text = member.label
        if member.needs_interpreter:
            text = f"{text} (🗣 {t('journey.interpreter')})"
        members.append(text)
    st.caption(w.md(t("journey.members", members=" · ".join(members))))
    if family.status.value != "aktiv":
        st.info(t("journey.archived"), icon="🗄️")
    ui.synthetic_notice(family.synthetic)


# ---------------------------------------------------------------- page


def main(user: User) -> None:
    """The page for the signed-in ``user`` (who holds the case permission)."""
    ui.show_flash()
    family = _select_family()
    if family is None:
        return
    ui.audit_view(family.code, page=t("nav.journey"))
    _header(family)
    ctx = jc.context(user, family, jx.choose_journey(family, _on_pick))
    # Only the tab on screen is drawn (switching tabs reruns the page): the map is laid
    # out when it is looked at, always from what is saved, never on a click in the list.
    steps_tab, map_tab = st.tabs(
        [t("journey.tab_steps"), t("journey.tab_map")], key=TAB, on_change="rerun"
    )
    if steps_tab.open:
        with steps_tab:
            js.steps_section(ctx)
    if map_tab.open:
        with map_tab:
            jm.map_section(ctx)
