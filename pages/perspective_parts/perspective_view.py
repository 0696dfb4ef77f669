"""Perspektivwechsel: one family's journey, step by step, seen with the family's eyes.

Made for the workshop on a projector: one step at a time, full width, large type, in the
family's words (where we are, whom we meet, in which language, what we must bring, how
we get there, who minds the children, what we see, understand and feel). At each step
the team asks the taxonomy's guiding questions; a "Nein" tags the barrier on that step
for the chosen member in one click. Under the step the emotion curve of the whole
journey shows where it dips and which open barriers sit there.

User text (service names, what the family sees, quotes, taxonomy questions) is drawn with
``st.markdown`` after Markdown escaping; the only HTML is the page's own static CSS.

This module chooses the family and steps through the journey; the step in the family's words
is in ``perspective_step.py``, the guiding questions in ``perspective_questions.py``, the
page's context in ``perspective_context.py``. The page file ``pages/perspective.py`` only
checks the permission and calls ``main``: pages stay small, and AppTest (the tests,
``make bench``) compiles a page file on every run.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models import Family, Journey, JourneyKind
from journeys.models.permissions import User
from pages.perspective_parts import perspective_curve as curve
from pages.perspective_parts import perspective_questions as pq
from pages.perspective_parts import perspective_resources as pr
from pages.perspective_parts import perspective_step as ps
from pages.perspective_parts import perspective_style
from pages.perspective_parts.perspective_context import Ctx
from pages.session import guard
from pages.shared import resource_data, ui
from pages.shared import widgets as w
from pages.shared.family_choice import FAMILY_PARAM

PICK = "perspective_family_pick"
INDEX = "perspective_index"  # case code → index of the step on screen
JUMP = "perspective_jump"
STEP_PARAM = "schritt"  # ?familie=BG-…&schritt=3: the step on screen, 1 for the first
ADDRESS_READ = "perspective_address_read"

ss = st.session_state


# ---------------------------------------------------------------- which family


def _select_family() -> Family | None:
    return w.select_family(
        "perspective", pick_key=PICK, page_title=t("nav.perspective"), title_key="pv_title"
    )


def _ist_journey(family: Family) -> Journey | None:
    """The journey as lived; ``None`` while nothing has been recorded (nothing is created)."""
    journeys = storage.list_journeys(ui.db(), family.id or 0)
    return next((j for j in journeys if j.kind is JourneyKind.IST), None)


# ---------------------------------------------------------------- stepping


def _from_address(code: str) -> int:
    """The step the address names (``?schritt=3``), read once in a session: after a reload
    or from a copied link the team is back at the step it was discussing."""
    if ss.get(ADDRESS_READ):
        return 0
    ss[ADDRESS_READ] = True
    raw = str(st.query_params.get(STEP_PARAM) or "")
    if st.query_params.get(FAMILY_PARAM) != code or not raw.isdigit():
        return 0
    return int(raw) - 1


def _index(ctx: Ctx) -> int:
    """The step on screen, kept per family and clamped (steps may have been deleted), and
    written to the address so that a reload keeps it."""
    stored: dict[str, int] = ss.setdefault(INDEX, {})
    code = ctx.family.code
    start = stored[code] if code in stored else _from_address(code)
    index = min(max(int(start), 0), len(ctx.steps) - 1)
    stored[code] = index
    if st.query_params.get(STEP_PARAM) != str(index + 1):
        st.query_params[STEP_PARAM] = str(index + 1)
    return index


def _go(code: str, offset: int, count: int) -> None:
    """Zurück/Weiter: one step, never past the first or the last."""
    stored: dict[str, int] = ss.setdefault(INDEX, {})
    stored[code] = min(max(int(stored.get(code, 0)) + offset, 0), count - 1)


def _on_jump(code: str) -> None:
    value = ss.get(JUMP)
    if value is not None:
        ss.setdefault(INDEX, {})[code] = int(value)


def _navigation(ctx: Ctx, index: int) -> None:
    count = len(ctx.steps)
    code = ctx.family.code
    with st.container(key="pv_nav", horizontal=True, vertical_alignment="center", gap="medium"):
        st.button(
            t("perspective.back"),
            key="pv_back",
            disabled=index == 0,
            on_click=guard.guarded(_go),
            args=(code, -1, count),
            shortcut="Left",
        )
        with st.container(key="pv_position", width="content"):
            st.markdown(t("perspective.position", n=index + 1, total=count))
        st.button(
            t("perspective.next"),
            key="pv_next",
            type="primary",
            disabled=index == count - 1,
            on_click=guard.guarded(_go),
            args=(code, 1, count),
            shortcut="Right",
        )
        ss[JUMP] = index
        st.selectbox(
            t("perspective.jump"),
            list(range(count)),
            key=JUMP,
            format_func=lambda i: t(
                "perspective.jump_option", n=i + 1, stage=ctx.stage_label(ctx.steps[i])
            ),
            on_change=guard.guarded(_on_jump),
            args=(code,),
            width=320,
        )


# ---------------------------------------------------------------- page


def main(user: User) -> None:
    """The page for the signed-in ``user`` (who holds the case permission)."""
    ui.show_flash()
    st.html(perspective_style.CSS)
    family = _select_family()
    if family is None:
        return
    ui.audit_view(family.code, page=t("nav.perspective"))
    ui.synthetic_notice(family.synthetic)
    journey = _ist_journey(family)
    # Without health rights, health tags and questions are not shown (journeys.visibility).
    full = ui.taxonomy()
    journey = visibility.journey_for(user, journey, full) if journey else None
    steps = journey.steps if journey else []
    if not steps:
        st.info(t("perspective.no_steps"))
        w.page_link("pages/journey.py", t("perspective.to_journey"), url_path="reise", icon="🧭")
        return
    all_stages = ui.stages(include_retired=True)
    ctx = Ctx(
        family=family,
        steps=steps,
        taxonomy=visibility.taxonomy_for(user, full),
        stages={s.key: s.label for s in all_stages},
        services={s.id: s for s in ui.services(include_retired=True) if s.id},
    )
    w.chip_style(ctx.taxonomy)
    st.markdown(t("perspective.intro"))
    index = _index(ctx)
    _navigation(ctx, index)
    step = ctx.steps[index]
    ps.step_view(ctx, step)
    pq.questions(ctx, step)
    pr.resource_questions(ctx, step, resource_data.taxonomy_for(user))  # issue #15
    curve.curve(ctx, index)
    # The last part of the exercise: how the journey should be, and who removes which barrier.
    w.page_link(
        "pages/soll.py",
        t("soll_page.from_perspective"),
        url_path="ist-soll",
        icon=":material/compare_arrows:",
    )
