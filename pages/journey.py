"""Die Reise einer Familie: the coach's case view of one family's Ist-Reise.

The coach records the steps of the journey, tags barriers on each step in a few clicks,
follows each barrier from *erkannt* to *beseitigt*, and sees the whole path as a journey
map. Tags, their status and the order of steps are written the moment they change; a
step is written with "Schritt speichern", and until then the open step editor is kept as
the user's draft on the server (``pages/step_editor.py``, ``pages/step_drafts.py``), so a
reload, another page or a second device finds it again.

Saves run in widget callbacks (see ``pages/widgets.py``): they happen before the page is
drawn, so the list and the map already show the change, and a failed save shows its
German message where it happened while the rest of the page stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from barriers.taxonomy import Taxonomy
from journeys import formats, journeymap, storage, visibility
from journeys.errors import NotFoundError, ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    BarrierTag,
    Family,
    Journey,
    Outcome,
    Service,
    Step,
    StepDependency,
    TagStatus,
)
from journeys.permissions import Permission
from pages import guard, pii_guard, ui
from pages import journey_extras as jx
from pages import step_drafts as sd
from pages import step_editor as se
from pages import widgets as w

user = guard.require(Permission.CASES)

PICK = "journey_family_pick"
EDIT = se.EDIT  # "new" or the id of the step whose editor is open
CONFIRM = se.CONFIRM  # id of the step waiting for delete confirmation
LAST_MEMBER = "journey_last_member"  # member of the last tag: the next tag's default
WHOLE_FAMILY = 0
NO_SERVICE = 0
NEW_SERVICE = se.NEW_SERVICE
DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2099, 12, 31)

OUTCOME_COLOR = {
    Outcome.ERREICHT: "green",
    Outcome.VERWIESEN: "blue",
    Outcome.WARTET: "orange",
    Outcome.ABGEBROCHEN: "red",
    Outcome.KONTAKTABBRUCH: "red",
}
STATUS_DATE = {
    TagStatus.ERKANNT: "identified_on",
    TagStatus.VERRINGERT: "reduced_on",
    TagStatus.BESEITIGT: "removed_on",
}
STATUS_MARK = {TagStatus.ERKANNT: "", TagStatus.VERRINGERT: "↘", TagStatus.BESEITIGT: "✓"}
PERSPECTIVE = sd.PERSPECTIVE

ss = st.session_state


@dataclass(frozen=True)
class Ctx:
    """What every part of the page needs: the family, its journey and the reference data."""

    family: Family
    journey: Journey
    taxonomy: Taxonomy
    stages: dict[str, str]  # key → label, retired stages included (old steps keep them)
    active_stages: list[str]
    services: dict[int, Service]  # retired services included (old steps keep them)
    dependencies: tuple[StepDependency, ...] = ()  # "wartet auf" between steps of the journey
    user_id: int | None = None  # whose drafts the step editor keeps and restores

    def member_label(self, member_id: int | None) -> str:
        member = self.family.member(member_id) if member_id else None
        return member.label if member else t("common.whole_family")

    def member_options(self) -> list[int]:
        return [WHOLE_FAMILY, *(m.id for m in self.family.members if m.id)]

    def service_label(self, service_id: int | None) -> str:
        """Own Sozialraum: the name; elsewhere: name · Sozialraum; retired ones say so."""
        if service_id == NEW_SERVICE:
            return t("journey.service_new")
        service = self.services.get(service_id or 0)
        if service is None:
            return t("journey.no_service") if not service_id else str(service_id)
        label = service.name
        if service.sozialraum != self.family.sozialraum:
            label = f"{label} · {service.sozialraum}"
        return f"{label} {t('journey.service_retired')}" if service.retired else label

    def service_options(self, *keep: int | None) -> list[int]:
        """Active services, the family's Sozialraum first; plus retired ones still in use."""
        active = [s for s in self.services.values() if not s.retired and s.id]
        own = [s.id for s in active if s.sozialraum == self.family.sozialraum]
        other = [s.id for s in active if s.sozialraum != self.family.sozialraum]
        extra = [i for i in keep if i and i > 0 and i not in own and i not in other]
        return [*own, *other, *extra]  # type: ignore[list-item]


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


# ---------------------------------------------------------------- the step list


def _steps_section(ctx: Ctx) -> None:
    steps = ctx.journey.steps
    w.chip_style(ctx.taxonomy)
    open_tags = sum(len(step.open_tags) for step in steps)
    st.caption(
        t(
            "journey.steps_caption",
            steps=_count("journey.steps", len(steps)),
            barriers=_count("journey.open", open_tags),
        )
    )
    if not steps:
        st.info(t("journey.no_steps"))
    drafts = se.prepare(ctx)
    editing = ss.get(EDIT)
    for index, step in enumerate(steps):
        if editing == step.id:
            se.editor(ctx, step, index, drafts.get(step.id or 0))
        else:
            _step_card(ctx, step, index, len(steps), drafts.get(step.id or 0))
    if editing == "new":
        se.editor(ctx, None, len(steps), drafts.get("new"))
    else:
        sd.card_note(drafts.get("new"), new=True)
        st.button(
            t("journey.add_step"),
            key="journey_add",
            icon=":material/add:",
            type="primary",
            on_click=guard.guarded(se.open_editor),
            args=(ctx, None),
        )


def _count(key: str, n: int) -> str:
    """``1 Schritt`` / ``3 Schritte``: German singular and plural."""
    return formats.counted(n, f"{key}_one", f"{key}_other")


def _step_title(ctx: Ctx, step: Step, index: int) -> str:
    """``Nr. · Phase · Dienst · Monat · Kanal · Ergebnis`` as Markdown (user text escaped)."""
    stage = ctx.stages.get(step.stage_key, step.stage_key)
    service = ctx.service_label(step.service_id) if step.service_id else t("journey.no_service")
    color = OUTCOME_COLOR[step.outcome]
    return (
        f"**{index + 1} · {w.md(stage)} · {w.md(service)}**"
        f" · {w.month_label(step.month)} · {step.channel.label}"
        f" · :{color}-badge[{step.outcome.label}]"
    )


def _step_meta(ctx: Ctx, step: Step) -> str:
    who = ", ".join(ctx.member_label(m) for m in step.member_ids) or t("common.whole_family")
    parts = [w.emotion_label(step.emotion), w.md(t("journey.involved", members=who))]
    for field, value in (("travel_time", step.travel_time), ("childcare", step.childcare)):
        if value is not None:
            parts.append(
                t("step_context.card_line", label=t(f"step_context.{field}"), value=value.label)
            )
    return " · ".join(parts)


def _step_card(ctx: Ctx, step: Step, index: int, count: int, draft: sd.Draft | None) -> None:
    with st.container(border=True, key=f"journey_step_{step.id}"):
        st.markdown(_step_title(ctx, step, index))
        meta, actions = st.columns([2, 3], vertical_alignment="center")
        with meta:
            st.caption(_step_meta(ctx, step))
            sd.card_note(draft)
        with actions:
            _step_buttons(ctx, step, index, count)
        if ss.get(CONFIRM) == step.id:
            _confirm_delete(ctx, step, index)
        w.show_errors(f"step{step.id}")
        _perspective(step)
        _referral_lines(ctx, step)
        jx.dependency_lines(ctx, step, ctx.dependencies)
        w.chips(_chips(ctx, step))
        with st.container(horizontal=True, gap="small"):
            with st.popover(
                t("journey.tag_open"),
                icon=":material/sell:",
                help=t("journey.tag_open_help"),
                key=f"jq_{step.id}_open",
            ):
                _quick_tag(ctx, step)
            jx.dependency_popover(ctx, step)
        if step.tags:
            _tag_manager(ctx, step)


def _step_buttons(ctx: Ctx, step: Step, index: int, count: int) -> None:
    sid = step.id
    with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
        st.button(
            t("journey.edit"),
            key=f"journey_edit_{sid}",
            icon=":material/edit:",
            type="tertiary",
            on_click=guard.guarded(se.open_editor),
            args=(ctx, step),
        )
        st.button(
            t("journey.up"),
            key=f"journey_up_{sid}",
            icon=":material/arrow_upward:",
            type="tertiary",
            disabled=index == 0,
            on_click=guard.guarded(_move),
            args=(sid, -1),
        )
        st.button(
            t("journey.down"),
            key=f"journey_down_{sid}",
            icon=":material/arrow_downward:",
            type="tertiary",
            disabled=index == count - 1,
            on_click=guard.guarded(_move),
            args=(sid, 1),
        )
        st.button(
            t("journey.delete"),
            key=f"journey_delete_{sid}",
            icon=":material/delete:",
            type="tertiary",
            on_click=guard.guarded(_ask_delete),
            args=(sid,),
        )


def _confirm_delete(ctx: Ctx, step: Step, index: int) -> None:
    stage = ctx.stages.get(step.stage_key, step.stage_key)
    n_tags = len(step.tags)
    tags = t("journey.confirm_delete_tags_one") if n_tags == 1 else ""
    if n_tags > 1:
        tags = t("journey.confirm_delete_tags_other", n=n_tags)
    key = "journey.confirm_delete_with_tags" if n_tags else "journey.confirm_delete"
    st.warning(t(key, n=index + 1, stage=w.md(stage), tags=tags))
    with st.container(horizontal=True, gap="small"):
        st.button(
            t("journey.confirm_yes"),
            key=f"journey_delete_yes_{step.id}",
            type="primary",
            icon=":material/delete_forever:",
            on_click=guard.guarded(_delete_step),
            args=(step.id,),
        )
        st.button(
            t("journey.cancel"),
            key=f"journey_delete_no_{step.id}",
            on_click=guard.guarded(lambda: ss.pop(CONFIRM, None)),
        )


def _perspective(step: Step) -> None:
    lines = [
        f"*{t(f'journey.{field}')}:* {w.md(getattr(step, field))}"
        for field in PERSPECTIVE
        if getattr(step, field)
    ]
    if lines:
        st.markdown("  \n".join(lines))
    if step.quote:
        st.markdown(f"> „{w.md(step.quote)}“")


def _referral_lines(ctx: Ctx, step: Step) -> None:
    for referral in step.referrals:
        parts = [
            "↪ "
            + t(
                "journey.referral_line",
                service=f"**{w.md(ctx.service_label(referral.to_service_id))}**",
            ),
            t("journey.warm_handover") if referral.warm_handover else t("journey.no_warm_handover"),
        ]
        if referral.data_transfer:
            parts.append(t("journey.data_transfer"))
        parts.append(t("journey.arrival", arrival=referral.arrived.label))
        if referral.waiting_days is not None:
            parts.append(t("journey.waiting", days=referral.waiting_days))
        st.markdown(" · ".join(parts))


def _chips(ctx: Ctx, step: Step) -> list[w.Chip]:
    out = []
    for tag in step.tags:
        try:
            barrier = ctx.taxonomy.barrier(tag.barrier_key)
        except KeyError:
            continue
        marker = "🔒 " if w.is_sensitive(ctx.taxonomy, barrier) else ""
        parts = [
            marker + barrier.label,
            ctx.member_label(tag.member_id),
            w.severity_dots(tag.severity),
        ]
        if tag.status is not TagStatus.ERKANNT:
            parts.append(f"{STATUS_MARK[tag.status]} {tag.status.label}")
        out.append(w.Chip(uid=str(tag.id), category=barrier.category, text=" · ".join(parts)))
    return out


# ---- step actions (callbacks)


def _move(step_id: int, offset: int) -> None:
    w.run_action(
        f"step{step_id}",
        lambda: storage.move_step(ui.db(), step_id, offset),
        success=t("journey.moved"),
    )


def _ask_delete(step_id: int) -> None:
    ss[CONFIRM] = step_id


def _delete_step(step_id: int) -> None:
    ss.pop(CONFIRM, None)
    if ss.get(EDIT) == step_id:
        sd.close_editor()
    w.run_action(
        f"step{step_id}",
        lambda: storage.delete_step(ui.db(), step_id),
        success=t("journey.deleted"),
    )


# ---------------------------------------------------------------- fast tagging


def _quick_keys(step_id: int | None) -> tuple[str, str, str]:
    return f"jq_{step_id}_member", f"jq_{step_id}_barrier", f"jq_{step_id}_severity"


def _quick_tag(ctx: Ctx, step: Step) -> None:
    """Member, barrier, severity, one click: the few-clicks path of tagging.

    Drawn inside the step's "Barriere markieren" popover, so a long journey is not a
    list of tagging rows: it opens on the step where the coach needs it.
    """
    member_key, barrier_key, severity_key = _quick_keys(step.id)
    options = ctx.member_options()
    if ss.get(member_key) not in options:
        last = ss.get(LAST_MEMBER, WHOLE_FAMILY)
        ss[member_key] = last if last in options else WHOLE_FAMILY
    with st.container(width=460):
        chosen = w.barrier_picker(t("journey.tag_heading"), ctx.taxonomy, barrier_key)
        w.barrier_explanation(ctx.taxonomy, chosen)
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            st.selectbox(
                t("journey.tag_member"),
                options,
                key=member_key,
                format_func=ctx.member_label,
                width=190,
            )
            w.severity_control(t("journey.tag_severity"), severity_key)
        st.button(
            t("journey.tag_button"),
            key=f"jq_{step.id}_go",
            icon=":material/sell:",
            type="primary",
            help=t("journey.tag_hint"),
            on_click=guard.guarded(_add_tag),
            args=(ctx, step.id, step.month),
        )
        w.show_errors(f"quick{step.id}")


def _add_tag(ctx: Ctx, step_id: int, month: str) -> None:
    scope = f"quick{step_id}"
    member_key, barrier_key, severity_key = _quick_keys(step_id)
    key = ss.get(barrier_key)
    if not key:
        w.fail(scope, t("journey.tag_pick_first"))
        return
    member_id = ss.get(member_key) or None
    severity = ss.get(severity_key) or 2
    # The barrier was met in the step's month: that is when it was identified (never later
    # than today, for a step planned ahead).
    identified_on = min(w.first_day(month), date.today())

    def tag() -> BarrierTag:
        current = storage.get_step(ui.db(), step_id)
        if any(x.barrier_key == key and x.member_id == member_id for x in current.tags):
            raise ZugangsatlasError(
                t(
                    "journey.tag_duplicate",
                    barrier=ctx.taxonomy.barrier(key).label,
                    member=ctx.member_label(member_id),
                )
            )
        new = BarrierTag(
            barrier_key=key, member_id=member_id, severity=severity, identified_on=identified_on
        )
        return storage.add_tag(ui.db(), step_id, new)

    label = w.barrier_label(ctx.taxonomy, key)
    if w.run_action(scope, tag, success=t("journey.tagged", barrier=label)) is not None:
        # The next tag is most likely for the same person: every member picker follows.
        ss[LAST_MEMBER] = member_id or WHOLE_FAMILY
        for other in [k for k in ss if str(k).startswith("jq_") and str(k).endswith("_member")]:
            ss[other] = ss[LAST_MEMBER]
        ss[barrier_key] = None
        ss[severity_key] = 2


# ---------------------------------------------------------------- tag lifecycle


def _tag_key(tag_id: int | None, field: str) -> str:
    return f"jt_{tag_id}_{field}"


def _tag_manager(ctx: Ctx, step: Step) -> None:
    with st.expander(t("journey.tags_manage", n=len(step.tags)), key=f"jx_{step.id}"):
        for tag in step.tags:
            _tag_row(ctx, step, tag)


def _sync_tag_state(tag: BarrierTag) -> None:
    """Show what is saved: every tag widget saves on change, so the database is the truth."""
    ss[_tag_key(tag.id, "status")] = tag.status
    ss[_tag_key(tag.id, "date")] = getattr(tag, STATUS_DATE[tag.status]) or tag.identified_on
    ss[_tag_key(tag.id, "service")] = tag.acted_service_id or NO_SERVICE
    if not pii_guard.pending(_tag_key(tag.id, "pii")):  # a held-back note stays as typed
        ss[_tag_key(tag.id, "note")] = tag.note


def _tag_row(ctx: Ctx, step: Step, tag: BarrierTag) -> None:
    _sync_tag_state(tag)
    with st.container(border=True, key=f"jt_{tag.id}_row"):
        what, status, remove = st.columns([5, 4, 1.6], vertical_alignment="center")
        with what:
            st.markdown(_tag_text(ctx, tag), help=_tag_help(ctx, tag))
        with status:
            st.segmented_control(
                t("journey.tag_status"),
                list(TagStatus),
                key=_tag_key(tag.id, "status"),
                format_func=lambda s: TagStatus(s).label,
                required=True,
                label_visibility="collapsed",
                on_change=guard.guarded(_on_status),
                args=(step.id, tag.id),
            )
        with remove:
            st.button(
                t("journey.tag_delete"),
                key=_tag_key(tag.id, "delete"),
                icon=":material/delete:",
                type="tertiary",
                help=t("journey.tag_delete_help"),
                on_click=guard.guarded(_delete_tag),
                args=(tag.id,),
            )
        when, service, note = st.columns([2, 3, 4])
        with when:
            st.date_input(
                t(f"fields.{STATUS_DATE[tag.status]}"),
                key=_tag_key(tag.id, "date"),
                min_value=DATE_MIN,
                max_value=DATE_MAX,
                format="DD.MM.YYYY",
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "date"),
            )
        with service:
            st.selectbox(
                t("journey.tag_acted"),
                [NO_SERVICE, *ctx.service_options(tag.acted_service_id)],
                key=_tag_key(tag.id, "service"),
                format_func=lambda i: (
                    t("journey.tag_no_service") if i == NO_SERVICE else ctx.service_label(i)
                ),
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "service"),
            )
        with note:
            st.text_input(
                t("journey.tag_note"),
                key=_tag_key(tag.id, "note"),
                placeholder=t("journey.tag_note_placeholder"),
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "note"),
            )
        pii_guard.show_pending(
            _tag_key(tag.id, "pii"), on_confirm=_on_tag_field, args=(step.id, tag.id, "note")
        )
        w.show_errors(f"tag{tag.id}")


def _tag_text(ctx: Ctx, tag: BarrierTag) -> str:
    """``Kategorie › Barriere`` (Art. 9 badge for health), then member and severity."""
    label = f"**{w.md(w.barrier_label(ctx.taxonomy, tag.barrier_key))}**"
    if w.key_is_sensitive(ctx.taxonomy, tag.barrier_key):
        label = f"{label} :violet-badge[🔒 {t('widgets.sensitive_marker')}]"
    who = w.md(ctx.member_label(tag.member_id))
    severity = f"{w.severity_label(tag.severity)} {w.severity_dots(tag.severity)}"
    text = f"{label}  \n{who} · {severity}"
    if tag.status is not TagStatus.ERKANNT:
        # The date field below shows only the current status; the history stays readable.
        history = [
            f"{t(f'fields.{field}')} {day:%d.%m.%Y}"
            for field in STATUS_DATE.values()
            if (day := getattr(tag, field)) is not None
        ]
        text = f"{text}  \n:gray[{' · '.join(history)}]"
    return text


def _tag_help(ctx: Ctx, tag: BarrierTag) -> str | None:
    try:
        barrier = ctx.taxonomy.barrier(tag.barrier_key)
    except KeyError:
        return None
    text = w.md(barrier.explanation or barrier.label)
    if w.is_sensitive(ctx.taxonomy, barrier):
        text = f"{text}\n\n{t('journey.sensitive_help')}"
    return text


def _fresh_tag(step_id: int, tag_id: int) -> BarrierTag:
    """The tag as saved now (another tab may have changed it since the page was drawn)."""
    for tag in storage.get_step(ui.db(), step_id).tags:
        if tag.id == tag_id:
            return tag
    raise NotFoundError(t("errors.unknown_record"))


def _on_status(step_id: int, tag_id: int) -> None:
    value = ss.get(_tag_key(tag_id, "status"))
    if value is None:
        return
    status = TagStatus(value)
    w.run_action(
        f"tag{tag_id}",
        lambda: storage.set_tag_status(ui.db(), tag_id, status, date.today()),
        success=t("journey.tag_status_saved", status=status.label),
    )


def _on_tag_field(step_id: int, tag_id: int, field: str) -> None:
    """Save one changed field of a tag: the date of its current status, service or note."""
    value = ss.get(_tag_key(tag_id, field))
    note = {t("journey.tag_note"): value or ""} if field == "note" else {}
    if not pii_guard.confirm_free_text(note, _tag_key(tag_id, "pii"), show=False):
        return  # the warning shows under the note; its checkbox saves anyway

    def save() -> BarrierTag | None:
        tag = _fresh_tag(step_id, tag_id)
        if field == "date":
            if value is None:
                return tag
            update: dict[str, Any] = {STATUS_DATE[tag.status]: value}
        elif field == "service":
            update = {"acted_service_id": value or None}
        else:
            update = {"note": value or ""}
        changed = BarrierTag.model_validate({**tag.model_dump(), **update})
        return storage.update_tag(ui.db(), changed)

    w.run_action(f"tag{tag_id}", save, success=t("journey.tag_saved"))


def _delete_tag(tag_id: int) -> None:
    w.run_action(
        f"tag{tag_id}",
        lambda: storage.delete_tag(ui.db(), tag_id),
        success=t("journey.tag_deleted"),
    )


# ---------------------------------------------------------------- the map


def _map_section(ctx: Ctx) -> None:
    if not ctx.journey.steps:
        st.info(t("journey.map_empty"))
        return
    lanes = st.toggle(t("journey.map_lanes"), value=True, key="journey_lanes")
    dot = journeymap.journey_map_dot(
        ctx.journey,
        ctx.family,
        taxonomy=ctx.taxonomy,
        stages=ui.stages(include_retired=True),
        services=ctx.services,
        show_member_lanes=lanes,
        dependencies=ctx.dependencies,
    )
    ui.graphviz_chart(dot, key="journey_map", alt=_map_alt(ctx))
    st.caption(t("journey.map_caption"))
    try:
        svg = ui.graphviz_svg(dot)
    except ZugangsatlasError as exc:  # no Graphviz ``dot`` program: say so, offer no download
        st.error(str(exc))
        return
    name = f"reise_{ctx.family.code}"
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("common.download_svg"),
            data=ui.audited(
                guard.export_bytes(Permission.CASES, svg),
                file_name=f"{name}.svg",
                object_type=storage.audit.FAMILIE,
                object_id=ctx.family.code,
            ),
            file_name=f"{name}.svg",
            mime="image/svg+xml",
            icon=":material/download:",
            on_click="ignore",
            key="journey_svg",
        )
        st.download_button(
            t("common.download_png"),
            data=ui.audited(
                guard.export(Permission.CASES, _png_renderer(dot)),
                file_name=f"{name}.png",
                object_type=storage.audit.FAMILIE,
                object_id=ctx.family.code,
            ),
            file_name=f"{name}.png",
            mime="image/png",
            icon=":material/download:",
            on_click="ignore",
            key="journey_png",
        )


def _map_alt(ctx: Ctx) -> str:
    """The map in words for screen readers: every step with stage, service and outcome."""
    steps = "; ".join(
        t(
            "journey.map_alt_step",
            n=n,
            stage=ctx.stages.get(step.stage_key, step.stage_key),
            service=ctx.service_label(step.service_id),
            outcome=step.outcome.label,
        )
        for n, step in enumerate(ctx.journey.steps, start=1)
    )
    return t("journey.map_alt", code=ctx.family.code, n=len(ctx.journey.steps), steps=steps)


def _png_renderer(dot: str) -> Callable[[], bytes]:
    """The PNG is rendered only when its download is clicked: it takes a moment."""
    return lambda: journeymap.render(dot, "png")


# ---------------------------------------------------------------- page


def _context(family: Family, journey: Journey) -> Ctx:
    """The page's data as this user may see it: without health rights, no health tags in
    the list, the pickers or the map (``journeys.visibility``)."""
    full = ui.taxonomy()
    all_stages = ui.stages(include_retired=True)
    return Ctx(
        family=family,
        journey=visibility.journey_for(user, journey, full),
        taxonomy=visibility.taxonomy_for(user, full),
        stages={s.key: s.label for s in all_stages},
        active_stages=[s.key for s in all_stages if not s.retired],
        services={s.id: s for s in ui.services(include_retired=True) if s.id},
        dependencies=tuple(storage.dependencies.list_dependencies(ui.db(), journey.id or 0)),
        user_id=user.id,
    )


def main() -> None:
    ui.show_flash()
    family = _select_family()
    if family is None:
        return
    ui.audit_view(family.code, page=t("nav.journey"))
    _header(family)
    ctx = _context(family, jx.choose_journey(family, _on_pick))
    steps_tab, map_tab = st.tabs([t("journey.tab_steps"), t("journey.tab_map")])
    with steps_tab:
        _steps_section(ctx)
    with map_tab:
        _map_section(ctx)


main()
