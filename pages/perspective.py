"""Perspektivwechsel: one family's journey, step by step, seen with the family's eyes.

Made for the workshop on a projector: one step at a time, full width, large type, in the
family's words (where we are, whom we meet, in which language, what we must bring, how
we get there, who minds the children, what we see, understand and feel). At each step
the team asks the taxonomy's guiding questions; a "Nein" tags the barrier on that step
for the chosen member in one click. Under the step the emotion curve of the whole
journey shows where it dips and which open barriers sit there.

User text (service names, what the family sees, quotes, taxonomy questions) is drawn with
``st.markdown`` after Markdown escaping; the only HTML is the page's own static CSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from barriers.perspective import other_questions, questions_for_step, young_children
from barriers.taxonomy import Barrier, Taxonomy
from journeys import storage, visibility
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    BarrierTag,
    Channel,
    Family,
    Journey,
    JourneyKind,
    Member,
    Service,
    Step,
)
from journeys.permissions import Permission
from pages import chart_text, guard, ui
from pages import perspective_answers as answers
from pages import widgets as w

user = guard.require(Permission.CASES)

PICK = "perspective_family_pick"
INDEX = "perspective_index"  # case code → index of the step on screen
JUMP = "perspective_jump"
ANSWERED_YES = "perspective_yes"  # {(step id, member, barrier key)}: shown, not stored
WHOLE_FAMILY = 0
TOP_BARRIERS = 6  # barriers whose questions are shown first; the rest under "Weitere"
SEVERITY = 2
# Faces that also render with the fonts of a plain Linux laptop (DejaVu Sans, no emoji font).
FACES = {-2: "😣", -1: "😟", 0: "😐", 1: "😊", 2: "😄"}
EMOTION_COLORS = ["#B3261E", "#E0A100", "#1E7B34"]  # red → amber → green, dark outline
DIP_COLOR = "#B3261E"
CURRENT_COLOR = "#1F4E9C"

# Static style only (no user text): large type for the projector, big navigation buttons,
# the emotion scale. Text colours stay Streamlit's (#31333F on white, contrast > 12:1).
CSS = """<style>
.st-key-pv_title h1 { font-size: 2.2rem; }
.st-key-pv_step p, .st-key-pv_step li { font-size: 1.25rem; line-height: 1.55; }
.st-key-pv_step h3 { font-size: 1.75rem; }
.st-key-pv_step blockquote p { font-size: 1.4rem; font-style: italic; }
.st-key-pv_step blockquote { border-left: 0.3rem solid #1F4E9C; }
.st-key-pv_questions p { font-size: 1.15rem; }
.st-key-pv_questions [data-testid="stCaptionContainer"],
.st-key-pv_curve [data-testid="stCaptionContainer"] { opacity: 1; }
.st-key-pv_questions [data-testid="stCaptionContainer"] p,
.st-key-pv_curve [data-testid="stCaptionContainer"] p { color: #3D4048 !important; }
.st-key-pv_questions [data-testid="stCaptionContainer"] p { font-size: 1rem; }
.st-key-pv_nav button { min-height: 3.25rem; padding: 0 1.6rem; }
.st-key-pv_nav button p { font-size: 1.3rem; font-weight: 600; }
.st-key-pv_position p { font-size: 1.4rem; font-weight: 700; }
[class*="st-key-pv_face_"] p { font-size: 2rem; line-height: 1.2; margin: 0; }
[class*="st-key-pv_face_off_"] { filter: grayscale(1); opacity: 0.55; }
[class*="st-key-pv_face_on_"] { border: 0.2rem solid #1F4E9C; border-radius: 0.6rem;
  padding: 0.1rem 0.3rem; }
[class*="st-key-pv_face_on_"] p { font-size: 3.6rem; }
</style>"""

ss = st.session_state


@dataclass(frozen=True)
class Ctx:
    """What every part of the page needs: the family, its steps and the reference data."""

    family: Family
    steps: list[Step]
    taxonomy: Taxonomy
    stages: dict[str, str]  # key → label, retired stages included
    services: dict[int, Service]  # retired services included

    def member_label(self, member_id: int | None) -> str:
        member = self.family.member(member_id) if member_id else None
        return member.label if member else t("common.whole_family")

    def member_options(self) -> list[int]:
        return [WHOLE_FAMILY, *(m.id for m in self.family.members if m.id)]

    def stage_label(self, step: Step) -> str:
        return self.stages.get(step.stage_key, step.stage_key)

    def barrier_name(self, key: str) -> str:
        try:
            return self.taxonomy.barrier(key).label
        except KeyError:
            return key


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


def _index(ctx: Ctx) -> int:
    """The step on screen, kept per family and clamped (steps may have been deleted)."""
    stored: dict[str, int] = ss.setdefault(INDEX, {})
    index = min(max(int(stored.get(ctx.family.code, 0)), 0), len(ctx.steps) - 1)
    stored[ctx.family.code] = index
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


# ---------------------------------------------------------------- the step in the family's words


def _involved(ctx: Ctx, step: Step) -> list[Member]:
    chosen = [m for m in ctx.family.members if m.id in step.member_ids]
    return chosen or list(ctx.family.members)


def _open_barriers(ctx: Ctx, step: Step, category: str) -> list[str]:
    keys = dict.fromkeys(
        tag.barrier_key for tag in step.open_tags if tag.barrier_key.startswith(f"{category}.")
    )
    return [ctx.barrier_name(k) for k in keys]


def _facet(heading: str, text: str) -> None:
    """One facet: a bold heading in the family's voice, then the (escaped) text below."""
    st.markdown(f"**{heading}**  \n{text}")


def _where(ctx: Ctx, step: Step) -> None:
    channel = t(f"perspective.where_channel.{step.channel.value}")
    service = ctx.services.get(step.service_id or 0)
    if service is not None:
        line = t("perspective.where_line", service=w.md(service.name), channel=channel)
    else:
        line = t("perspective.where_no_service", stage=w.md(ctx.stage_label(step)), channel=channel)
    st.markdown(f"### {line}")
    st.markdown(
        f":blue-badge[{w.md(ctx.stage_label(step))}] :gray-badge[{w.month_label(step.month)}]"
        f" :gray-badge[{w.md(t('perspective.outcome', outcome=step.outcome.label))}]"
    )


def _whom(ctx: Ctx, step: Step) -> str:
    service = ctx.services.get(step.service_id or 0)
    if service is None:
        text = t("perspective.whom_unknown")
    else:
        text = w.md(service.name)
        if service.kind:
            text = f"{text} {w.md(t('perspective.whom_kind', kind=service.kind))}"
    members = ", ".join(ctx.member_label(m) for m in step.member_ids)
    if members:
        text = f"{text}  \n{w.md(t('perspective.who_goes', members=members))}"
    return text


def _language(ctx: Ctx, step: Step) -> str:
    people = _involved(ctx, step)
    languages = list(dict.fromkeys(lang for m in people for lang in m.languages))
    if languages:
        lines = [t("perspective.language_line", languages=", ".join(languages))]
    else:
        lines = [t("perspective.language_unknown")]
    interpreter = [m.label for m in people if m.needs_interpreter]
    if interpreter:
        lines.append(t("perspective.interpreter_needed", members=", ".join(interpreter)))
    else:
        lines.append(t("perspective.interpreter_none"))
    barriers = _open_barriers(ctx, step, "sprache")
    if barriers:
        lines.append(t("perspective.known_barriers", barriers=", ".join(barriers)))
    return "  \n".join(w.md(line) for line in lines)


def _travel(ctx: Ctx, step: Step) -> str:
    """What is known about the way there: channel, place, tagged reachability barriers."""
    lines = [t(f"perspective.channel.{step.channel.value}")]
    service = ctx.services.get(step.service_id or 0)
    if service is not None and service.sozialraum != ctx.family.sozialraum:
        lines.append(
            t("perspective.other_place", place=service.sozialraum, home=ctx.family.sozialraum)
        )
    barriers = _open_barriers(ctx, step, "erreichbarkeit") + _open_barriers(ctx, step, "digital")
    recorded = answers.travel_line(step)
    if recorded:
        lines.append(recorded)
    if barriers:
        lines.append(t("perspective.known_barriers", barriers=", ".join(barriers)))
    elif not recorded:
        lines.append(t("perspective.distance_unknown"))
    return "  \n".join(w.md(line) for line in lines)


def _children(ctx: Ctx, step: Step) -> str:
    children = young_children(ctx.family)
    if not children:
        return w.md(t("perspective.children_none"))
    away = step.channel is not Channel.PERSOENLICH and step.childcare is None
    if away and not _open_barriers(ctx, step, "familie"):
        return w.md(t("perspective.children_stay_home"))
    along = [ctx.member_label(c) for c in children if c in step.member_ids]
    barriers = _open_barriers(ctx, step, "familie")
    lines = [line for line in [answers.children_line(step)] if line]
    if along:
        lines.append(t("perspective.children_along", members=", ".join(along)))
    if "familie.kinderbetreuung" in {tag.barrier_key for tag in step.open_tags}:
        lines.append(t("perspective.children_barrier", barriers=", ".join(barriers)))
    elif len(along) < len(children) and step.childcare is None:
        lines.append(t("perspective.children_home"))
    return "  \n".join(w.md(line) for line in lines)


def _text_or_unknown(value: str) -> str:
    return w.md(value) if value else f"*{t('perspective.not_recorded')}*"


def feeling(score: int) -> str:
    """``-1`` as ``−1 · schlecht``: number and word, so the scale reads without colour."""
    return t(f"perspective.emotion.{score}")


def _emotion(step: Step) -> None:
    """The feeling as words, a big face and the scale from −2 to +2 around it."""
    _facet(t("perspective.feels"), _text_or_unknown(step.feels))
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        for score, face in FACES.items():
            state = "on" if score == step.emotion else "off"
            with st.container(key=f"pv_face_{state}_{score + 2}", width="content"):
                st.markdown(face)
    st.markdown(f"**{feeling(step.emotion)}**")


def _step_view(ctx: Ctx, step: Step) -> None:
    with st.container(key="pv_step", border=True):
        _where(ctx, step)
        left, right = st.columns(2, gap="large")
        with left:
            _facet(t("perspective.whom"), _whom(ctx, step))
            _facet(t("perspective.language"), _language(ctx, step))
            _facet(t("perspective.brings"), _text_or_unknown(step.brings))
            _facet(t("perspective.travel"), _travel(ctx, step))
            _facet(t("perspective.children"), _children(ctx, step))
            answers.answers(ctx.family, step)
        with right:
            _facet(t("perspective.sees"), _text_or_unknown(step.sees))
            _facet(t("perspective.understands"), _text_or_unknown(step.understands))
            _emotion(step)
            if step.quote:
                st.markdown(f"**{t('perspective.quote')}**")
                st.markdown(f"> „{w.md(step.quote)}“")
        st.markdown(f"**{t('perspective.step_barriers')}**")
        if step.tags:
            w.chips(_chips(ctx, step))
        else:
            st.markdown(w.md(t("perspective.step_barriers_none")))


def _chips(ctx: Ctx, step: Step) -> list[w.Chip]:
    out = []
    for tag in step.tags:
        try:
            barrier = ctx.taxonomy.barrier(tag.barrier_key)
        except KeyError:
            continue
        marker = "🔒 " if w.is_sensitive(ctx.taxonomy, barrier) else ""
        parts = [marker + barrier.label, ctx.member_label(tag.member_id)]
        if not tag.is_open or tag.status.value != "erkannt":
            parts.append(tag.status.label)
        out.append(w.Chip(uid=f"pv{tag.id}", category=barrier.category, text=" · ".join(parts)))
    return out


# ---------------------------------------------------------------- guiding questions


def _member_key(step: Step) -> str:
    return f"pv_member_{step.id}"


def _tagged_members(step: Step, barrier_key: str) -> set[int]:
    """Members (``WHOLE_FAMILY`` for the family) that carry this barrier on the step."""
    return {tag.member_id or WHOLE_FAMILY for tag in step.tags if tag.barrier_key == barrier_key}


def _tag(ctx: Ctx, step_id: int, barrier: Barrier, member: int) -> BarrierTag:
    """Tag the barrier on the step for the member, unless it is already there.

    Read again from the database: another person in the workshop may have tagged it
    meanwhile; the same barrier twice for one person would count twice.
    """
    current = storage.get_step(ui.db(), step_id)
    if member in _tagged_members(current, barrier.key):
        raise ZugangsatlasError(
            t("perspective.duplicate", barrier=barrier.label, member=ctx.member_label(member))
        )
    # The barrier was met in the step's month (never later than today for a planned step).
    identified_on = min(w.first_day(current.month), date.today())
    tag = BarrierTag(
        barrier_key=barrier.key,
        member_id=member or None,
        severity=SEVERITY,
        identified_on=identified_on,
    )
    return storage.add_tag(ui.db(), step_id, tag)


def _question_row(ctx: Ctx, step: Step, barrier: Barrier, n: int, question: str) -> bool:
    """One question with Ja/Nein; returns ``True`` when "Nein" was clicked."""
    member = int(ss.get(_member_key(step)) or WHOLE_FAMILY)
    answered: set[tuple[int, int, str]] = ss.setdefault(ANSWERED_YES, set())
    text, answer = st.columns([5, 2], vertical_alignment="center")
    with text:
        st.markdown(w.md(question))
    with answer:
        if member in _tagged_members(step, barrier.key):
            st.markdown(f":green-badge[{t('perspective.recorded')}]")
            return False
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            if (step.id or 0, member, barrier.key) in answered:
                st.markdown(f":blue-badge[{t('perspective.answered_yes')}]")
            elif st.button(
                t("perspective.yes"),
                key=f"pv_yes_{step.id}_{barrier.key}_{n}",
                help=t("perspective.yes_help"),
            ):
                answered.add((step.id or 0, member, barrier.key))
                st.rerun()
            return st.button(
                t("perspective.no"),
                key=f"pv_no_{step.id}_{barrier.key}_{n}",
                type="primary",
                help=t("perspective.no_help", barrier=w.md(barrier.label)),
            )


def _barrier_block(ctx: Ctx, step: Step, barrier: Barrier, questions: list[str]) -> None:
    """A barrier's questions together: a "Nein" to any of them tags the barrier."""
    with st.container(border=True, key=f"pv_q_{step.id}_{barrier.key.replace('.', '__')}"):
        label = w.barrier_label(ctx.taxonomy, barrier.key)
        marker = (
            f"🔒 {t('widgets.sensitive_marker')} · "
            if w.is_sensitive(ctx.taxonomy, barrier)
            else ""
        )
        st.caption(marker + w.md(label))
        clicked = False
        for n, question in enumerate(questions):
            clicked = _question_row(ctx, step, barrier, n, question) or clicked
        others = sorted(
            _tagged_members(step, barrier.key) - {int(ss.get(_member_key(step)) or WHOLE_FAMILY)},
            key=ctx.member_options().index,
        )
        if others:
            names = ", ".join(ctx.member_label(m) for m in others)
            st.caption(w.md(t("perspective.recorded_for", members=names)))
        if clicked:
            member = int(ss.get(_member_key(step)) or WHOLE_FAMILY)
            message = t(
                "perspective.tagged", barrier=barrier.label, member=ctx.member_label(member)
            )
            with ui.saving(message) as attempt:
                _tag(ctx, step.id or 0, barrier, member)
            if attempt.ok:
                st.rerun()


def _grouped(pairs: list[tuple[Barrier, str]]) -> list[tuple[Barrier, list[str]]]:
    """(barrier, question) pairs as barriers with their questions, order kept."""
    out: dict[str, tuple[Barrier, list[str]]] = {}
    for barrier, question in pairs:
        out.setdefault(barrier.key, (barrier, []))[1].append(question)
    return list(out.values())


def _questions(ctx: Ctx, step: Step) -> None:
    st.subheader(t("perspective.questions"), anchor=False, help=t("perspective.questions_help"))
    options = ctx.member_options()
    key = _member_key(step)
    if ss.get(key) not in options:
        ss[key] = WHOLE_FAMILY
    with st.container(key="pv_questions"):
        st.segmented_control(
            t("perspective.for_whom"),
            options,
            key=key,
            format_func=ctx.member_label,
            required=True,
        )
        first = questions_for_step(
            step, ctx.taxonomy, step.stage_key, ctx.family, limit=TOP_BARRIERS
        )
        if not first:
            st.info(t("perspective.questions_none"))
        for barrier, questions in _grouped(first):
            _barrier_block(ctx, step, barrier, questions)
        rest = other_questions(step, ctx.taxonomy, step.stage_key, ctx.family, limit=TOP_BARRIERS)
        if rest:
            # Drawn only when opened: some seventy questions would slow every step down.
            title = t("perspective.more_questions", n=len(rest))
            more = st.expander(title, key=f"pv_more_{step.id}", on_change="rerun")
            if more.open:
                with more:
                    for barrier, questions in _grouped(rest):
                        _barrier_block(ctx, step, barrier, questions)


# ---------------------------------------------------------------- the emotion curve


def curve_frame(ctx: Ctx, index: int) -> pd.DataFrame:
    """One row per step: number, feeling, stage, open barriers, dip and current flags."""
    rows = []
    for i, step in enumerate(ctx.steps):
        barriers = list(dict.fromkeys(ctx.barrier_name(tag.barrier_key) for tag in step.open_tags))
        rows.append(
            {
                "step": i + 1,
                "emotion": step.emotion,
                "feeling": feeling(step.emotion),
                "stage": ctx.stage_label(step),
                "barriers": ", ".join(barriers) or t("common.none"),
                "dip": bool(barriers) and step.emotion < 0,
                "current": i == index,
            }
        )
    return pd.DataFrame(rows)


def _curve_chart(frame: pd.DataFrame) -> alt.LayerChart:
    count = len(frame)
    x = alt.X(
        "step:Q",
        title=t("perspective.axis_step"),
        scale=alt.Scale(domain=[0.5, count + 0.5]),
        axis=alt.Axis(values=list(range(1, count + 1)), format="d", labelFontSize=14),
    )
    y = alt.Y(
        "emotion:Q",
        title=t("perspective.axis_emotion"),
        scale=alt.Scale(domain=[-2.6, 2.4]),
        axis=alt.Axis(values=[-2, -1, 0, 1, 2], labelFontSize=14),
    )
    tooltip = [
        alt.Tooltip("step:Q", title=t("perspective.tip_step")),
        alt.Tooltip("stage:N", title=t("perspective.tip_stage")),
        alt.Tooltip("feeling:N", title=t("perspective.tip_emotion")),
        alt.Tooltip("barriers:N", title=t("perspective.tip_barriers")),
    ]
    base = alt.Chart(frame).encode(x=x)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#8A8D91").encode(y="y:Q")
    current = base.transform_filter("datum.current").mark_rule(
        color=CURRENT_COLOR, strokeWidth=3, strokeDash=[6, 4]
    )
    line = base.mark_line(color="#5F6368", strokeWidth=2).encode(y=y)
    points = base.mark_circle(size=220, stroke="#202124", strokeWidth=1.5, opacity=1).encode(
        y=y,
        color=alt.Color(
            "emotion:Q",
            scale=alt.Scale(domain=[-2, 0, 2], range=EMOTION_COLORS),
            legend=None,
        ),
        tooltip=tooltip,
    )
    ring = (
        base.transform_filter("datum.current")
        .mark_point(size=700, stroke=CURRENT_COLOR, strokeWidth=3, filled=False)
        .encode(y=y)
    )
    dips = (
        base.transform_filter("datum.dip")
        .mark_point(
            shape="triangle-up", size=300, filled=True, opacity=1, color=DIP_COLOR, yOffset=24
        )
        .encode(y=y, tooltip=tooltip)
    )
    return alt.layer(zero, current, line, points, ring, dips).properties(height=280)


def _curve(ctx: Ctx, index: int) -> None:
    with st.container(key="pv_curve"):
        st.subheader(t("perspective.curve"), anchor=False)
        chart = chart_text.describe(_curve_chart(curve_frame(ctx, index)), t("perspective.curve"))
        st.altair_chart(chart, width="stretch")
        st.caption(t("perspective.curve_caption"))
        chart_text.data_table(chart, t("perspective.curve"))


# ---------------------------------------------------------------- page


def main() -> None:
    ui.show_flash()
    st.html(CSS)
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
    _step_view(ctx, step)
    _questions(ctx, step)
    _curve(ctx, index)
    # The last part of the exercise: how the journey should be, and who removes which barrier.
    w.page_link(
        "pages/soll.py",
        t("soll_page.from_perspective"),
        url_path="ist-soll",
        icon=":material/compare_arrows:",
    )


main()
