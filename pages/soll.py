"""Ist und Soll: the journey as lived beside the journey as it should be, with the measures.

The last part of the perspective change (issue #5): after walking through the Ist journey
with the family's eyes, the group copies it into a Soll journey, removes, changes or adds
steps there, and records for every barrier the Soll journey removes the measure that
removes it, who is responsible (a service of the catalogue or a named office) and by when.

Why a page of its own and not a tab of "Perspektivwechsel": that page is built for the
projector, one step at a time in large type; this one compares two whole journeys and
collects measures, which needs the width of the screen for two columns and forms. The
Soll journey's steps are edited with the same step editor as the Ist journey (the journey
page, opened on the Soll journey by ``?reise=<id>``); the quick changes a workshop makes
all the time, a barrier that no longer occurs or a step that is no longer needed, are one
click here. The comparison itself is ``journeys.soll.compare``: the page only draws it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import journeymap, storage, visibility
from journeys.i18n import t
from journeys.models import Family, Journey, JourneyKind, SollMeasure
from journeys.permissions import Permission
from journeys.soll import BarrierChange, SollComparison, compare
from pages import chart_text, guard, pii_guard, ui
from pages import journey_extras as jx
from pages import widgets as w
from pages.soll_side import Ctx, side_by_side

user = guard.require(Permission.CASES)

PICK = "soll_family_pick"
CHOSEN = "soll_chosen"  # case code → id of the Soll journey on screen
CONFIRM = "soll_confirm_delete"  # id of the Soll journey waiting for delete confirmation
OTHER = -1  # "andere Stelle": the responsible is typed in, not picked from the catalogue
DUE_AHEAD_MONTHS = 3  # a new measure's default date: a quarter ahead

ss = st.session_state


# ---------------------------------------------------------------- which family, which Soll


def _select_family() -> Family | None:
    return w.select_family("soll_page", pick_key=PICK, page_title=t("nav.soll"))


def _requested_soll(code: str, solls: list[Journey]) -> Journey | None:
    """The Soll journey from ``?reise=``, else the one on screen last, else the newest."""
    ids = {j.id: j for j in solls}
    raw = st.query_params.get(jx.JOURNEY_PARAM)
    wanted = int(raw) if raw and raw.isdigit() else None
    if wanted not in ids:
        wanted = ss.setdefault(CHOSEN, {}).get(code)
    journey = ids.get(wanted) or (solls[-1] if solls else None)
    if journey is not None:
        ss.setdefault(CHOSEN, {})[code] = journey.id
        st.query_params[jx.JOURNEY_PARAM] = str(journey.id)
    else:
        st.query_params.pop(jx.JOURNEY_PARAM, None)
    return journey


def _on_choose(code: str) -> None:
    value = ss.get("soll_pick")
    if value:
        ss.setdefault(CHOSEN, {})[code] = value
        st.query_params[jx.JOURNEY_PARAM] = str(value)
    ss.pop(CONFIRM, None)


def _create(ist_id: int, code: str) -> None:
    """Copy the Ist journey into a new Soll journey and show it."""
    title = " ".join(str(ss.get("soll_new_title") or "").split())
    if not pii_guard.confirm_free_text({t("soll_page.new_title"): title}, "soll_new", show=False):
        return
    created = w.run_action(
        "soll_new",
        lambda: storage.copy_journey_to_soll(ui.db(), ist_id, title),
        success=t("soll_page.created"),
    )
    if created is not None:
        ss.setdefault(CHOSEN, {})[code] = created.id
        st.query_params[jx.JOURNEY_PARAM] = str(created.id)
        ss["soll_new_title"] = ""


def _new_soll_form(ist: Journey, code: str, *, first: bool) -> None:
    """Title (optional) and the copy button: the way into a Soll journey."""
    with st.container(border=first, key="soll_new_box"):
        if first:
            st.markdown(t("soll_page.none_yet"))
        st.text_input(
            t("soll_page.new_title"),
            key="soll_new_title",
            placeholder=t("soll_page.new_title_placeholder"),
            max_chars=200,
        )
        st.button(
            t("soll_page.create"),
            key="soll_create",
            icon=":material/content_copy:",
            type="primary",
            help=t("soll_page.create_help"),
            on_click=guard.guarded(_create),
            args=(ist.id or 0, code),
        )
        pii_guard.show_pending("soll_new", on_confirm=_create, args=(ist.id or 0, code))
        w.show_errors("soll_new")


def _rename(soll: Journey) -> None:
    title = " ".join(str(ss.get(f"soll_title_{soll.id}") or "").split())
    if not title:
        w.fail("soll_bar", t("soll_page.title_empty"))
        return
    texts = {t("soll_page.title_label"): title}
    if not pii_guard.confirm_free_text(texts, f"soll_title_{soll.id}", show=False):
        return
    w.run_action(
        "soll_bar",
        lambda: storage.save_journey(ui.db(), soll.model_copy(update={"title": title})),
        success=t("soll_page.renamed"),
    )


def _delete(soll_id: int, code: str) -> None:
    ss.pop(CONFIRM, None)
    if w.run_action(
        "soll_bar",
        lambda: storage.delete_soll_journey(ui.db(), soll_id),
        success=t("soll_page.deleted"),
    ):
        ss.setdefault(CHOSEN, {}).pop(code, None)
        st.query_params.pop(jx.JOURNEY_PARAM, None)


def _soll_bar(ctx: Ctx, solls: list[Journey]) -> None:
    """Which Soll variant, and what to do with it: edit steps, rename, copy anew, delete."""
    soll, code = ctx.soll, ctx.family.code
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        ss["soll_pick"] = soll.id
        st.selectbox(
            t("soll_page.pick_soll"),
            [j.id for j in solls],
            key="soll_pick",
            format_func=lambda i: next((jx.journey_label(j) for j in solls if j.id == i), str(i)),
            on_change=guard.guarded(_on_choose),
            args=(code,),
            width=360,
        )
        with st.popover(t("soll_page.rename"), icon=":material/edit:"):
            ss.setdefault(f"soll_title_{soll.id}", soll.title)
            st.text_input(t("soll_page.title_label"), key=f"soll_title_{soll.id}", max_chars=200)
            st.button(
                t("common.save"),
                key=f"soll_rename_{soll.id}",
                on_click=guard.guarded(_rename),
                args=(soll,),
            )
            pii_guard.show_pending(f"soll_title_{soll.id}", on_confirm=_rename, args=(soll,))
        with st.popover(t("soll_page.another"), icon=":material/add:"):
            _new_soll_form(ctx.ist, code, first=False)
        st.button(
            t("soll_page.delete"),
            key=f"soll_delete_{soll.id}",
            icon=":material/delete:",
            type="tertiary",
            on_click=guard.guarded(lambda: ss.__setitem__(CONFIRM, soll.id)),
        )
    if ss.get(CONFIRM) == soll.id:
        st.warning(t("soll_page.confirm_delete", title=w.md(jx.journey_label(soll))))
        with st.container(horizontal=True, gap="small"):
            st.button(
                t("soll_page.confirm_yes"),
                key=f"soll_delete_yes_{soll.id}",
                type="primary",
                icon=":material/delete_forever:",
                on_click=guard.guarded(_delete),
                args=(soll.id or 0, code),
            )
            st.button(
                t("common.cancel"),
                key=f"soll_delete_no_{soll.id}",
                on_click=guard.guarded(lambda: ss.pop(CONFIRM, None)),
            )
    w.show_errors("soll_bar")
    jx.link(
        "pages/journey.py",
        t("soll_page.edit_steps"),
        url_path="reise",
        icon=":material/edit:",
        params={w.FAMILY_PARAM: code, jx.JOURNEY_PARAM: str(soll.id)},
    )


# ---------------------------------------------------------------- the comparison in figures


def _summary(ctx: Ctx, comparison: SollComparison) -> None:
    # Only barriers the family still meets in the Ist can be removed by the Soll: those
    # already beseitigt there are counted apart, never as the Soll's achievement.
    ist_open = len(comparison.removed) + len(comparison.remaining)
    with st.container(horizontal=True, gap="medium", key="soll_summary"):
        st.metric(t("soll_steps.metric_ist_open"), ist_open, width="content")
        st.metric(t("soll_page.metric_removed"), len(comparison.removed), width="content")
        st.metric(t("soll_page.metric_remaining"), len(comparison.remaining), width="content")
        st.metric(t("soll_page.metric_new"), len(comparison.new), width="content")
        if comparison.already_removed:
            st.metric(
                t("soll_steps.metric_already"),
                len(comparison.already_removed),
                help=t("soll_steps.metric_already_help"),
                width="content",
            )
        st.metric(
            t("soll_page.metric_steps"),
            f"{len(ctx.ist.steps)} → {len(ctx.soll.steps)}",
            width="content",
        )
    if comparison.missing_measure:
        st.warning(
            t("soll_page.missing_measures", n=len(comparison.missing_measure)),
            icon=":material/edit_note:",
        )
    elif comparison.removed:
        st.success(t("soll_page.all_measures"), icon=":material/task_alt:")


# ---------------------------------------------------------------- barriers and measures


def _change_line(ctx: Ctx, change: BarrierChange, stages: list[str]) -> str:
    where = ", ".join(ctx.stages.get(k, k) for k in stages) or t("common.none")
    return t(
        "soll_page.change_line",
        barrier=ctx.barrier_name(change.barrier_key),
        member=ctx.member_label(change.member_id),
        stages=where,
    )


def _measure_line(ctx: Ctx, measure: SollMeasure) -> str:
    who = (
        ctx.service_label(measure.responsible_service_id)
        if measure.responsible_service_id
        else measure.responsible_text
    )
    if measure.responsible_service_id and measure.responsible_text:
        who = f"{who} ({measure.responsible_text})"
    due = t("soll_page.no_due")
    if measure.due_month:
        due = t("soll_page.due_line", month=w.month_label(measure.due_month))
    return t("soll_page.measure_line", measure=measure.measure, who=who, due=due)


def _mk(change: BarrierChange, field: str) -> str:
    return f"sm_{change.barrier_key.replace('.', '__')}_{change.member_id or 0}_{field}"


def _measure_form(ctx: Ctx, change: BarrierChange) -> None:
    """What removes the barrier, who is responsible, by when: one measure."""
    st.text_area(
        t("soll_page.measure"),
        key=_mk(change, "text"),
        height=80,
        placeholder=t("soll_page.measure_placeholder"),
    )
    active = [s for s in ctx.services.values() if not s.retired and s.id]
    own = [s.id for s in active if s.sozialraum == ctx.family.sozialraum]
    other = [s.id for s in active if s.sozialraum != ctx.family.sozialraum]
    who, due = st.columns([3, 3])
    with who:
        st.selectbox(
            t("soll_page.responsible"),
            [*own, *other, OTHER],
            index=None,
            key=_mk(change, "service"),
            format_func=lambda i: (
                t("soll_page.responsible_other") if i == OTHER else ctx.service_label(i)
            ),
            placeholder=t("soll_page.responsible_placeholder"),
            help=t("soll_page.responsible_help"),
        )
        if ss.get(_mk(change, "service")) == OTHER:
            st.text_input(
                t("soll_page.responsible_text"),
                key=_mk(change, "who"),
                max_chars=200,
                placeholder=t("soll_page.responsible_text_placeholder"),
            )
    with due:
        st.checkbox(t("soll_page.due_set"), value=True, key=_mk(change, "due_set"))
        if ss.get(_mk(change, "due_set")):
            w.month_picker(t("soll_page.due"), _mk(change, "due"), value=_default_due())
    st.button(
        t("soll_page.measure_save"),
        key=_mk(change, "save"),
        icon=":material/task_alt:",
        type="primary",
        on_click=guard.guarded(_save_measure),
        args=(ctx, change),
    )
    pii_guard.show_pending(_mk(change, "pii"), on_confirm=_save_measure, args=(ctx, change))
    w.show_errors(_mk(change, "scope"))


def _default_due() -> str:
    today = date.today()
    month = today.month - 1 + DUE_AHEAD_MONTHS
    return f"{today.year + month // 12:04d}-{month % 12 + 1:02d}"


def _source_tag(ctx: Ctx, change: BarrierChange) -> int | None:
    """The Ist tag the group talked about: the first of this barrier and member."""
    for step in ctx.ist.steps:
        for tag in step.tags:
            if (tag.barrier_key, tag.member_id) == change.ref:
                return tag.id
    return None


def _save_measure(ctx: Ctx, change: BarrierChange) -> None:
    service = ss.get(_mk(change, "service"))
    texts = {t("soll_page.measure"): str(ss.get(_mk(change, "text")) or "")}
    if service == OTHER:
        texts[t("soll_page.responsible_text")] = str(ss.get(_mk(change, "who")) or "")
    if not pii_guard.confirm_free_text(texts, _mk(change, "pii"), show=False):
        return
    due = None
    if ss.get(_mk(change, "due_set")):
        due = f"{int(ss[_mk(change, 'due_year')]):04d}-{int(ss[_mk(change, 'due_month')]):02d}"

    def save() -> SollMeasure:
        measure = SollMeasure(
            soll_journey_id=ctx.soll.id,
            barrier_key=change.barrier_key,
            member_id=change.member_id,
            source_tag_id=_source_tag(ctx, change),
            measure=str(ss.get(_mk(change, "text")) or ""),
            responsible_service_id=None if service in (None, OTHER) else service,
            responsible_text=str(ss.get(_mk(change, "who")) or "") if service == OTHER else "",
            due_month=due,
        )
        return storage.save_measure(ui.db(), measure)

    saved = w.run_action(_mk(change, "scope"), save, success=t("soll_page.measure_saved"))
    if saved is not None:  # an empty form for the next measure
        # Dropping the keys would leave the browser showing the old text once the form
        # moves into the "weitere Maßnahme" expander; set values reset it for sure.
        ss[_mk(change, "text")] = ""
        ss[_mk(change, "service")] = None
        ss[_mk(change, "who")] = ""
        ss[_mk(change, "due_set")] = True
        year, month = _default_due().split("-")
        ss[_mk(change, "due_year")], ss[_mk(change, "due_month")] = int(year), int(month)


def _delete_measure(measure_id: int, scope: str) -> None:
    w.run_action(
        scope,
        lambda: storage.delete_measure(ui.db(), measure_id),
        success=t("soll_page.measure_deleted"),
    )


def _measure_rows(ctx: Ctx, measures: list[SollMeasure], scope: str) -> None:
    for measure in measures:
        text, remove = st.columns([6, 1], vertical_alignment="center")
        text.markdown(":green[:material/task_alt:] " + w.md(_measure_line(ctx, measure)))
        with remove:
            st.button(
                t("soll_page.measure_delete"),
                key=f"sm_del_{scope}_{measure.id}",
                icon=":material/delete:",
                type="tertiary",
                on_click=guard.guarded(_delete_measure),
                args=(measure.id, scope),
            )


def _removed_block(ctx: Ctx, change: BarrierChange) -> None:
    scope = _mk(change, "scope")
    with st.container(border=True, key=_mk(change, "box")):
        mark = ":green[:material/task_alt:]" if change.measures else ":orange[:material/edit_note:]"
        st.markdown(f"{mark} **{w.md(_change_line(ctx, change, change.ist_stages))}**")
        _measure_rows(ctx, change.measures, scope)
        if change.measures:
            with st.expander(t("soll_page.measure_more")):
                _measure_form(ctx, change)
        else:
            _measure_form(ctx, change)


def _measures_section(ctx: Ctx, comparison: SollComparison) -> None:
    st.caption(t("soll_page.measures_intro"))
    if not comparison.removed:
        st.info(t("soll_page.nothing_removed"))
    for change in comparison.removed:
        _removed_block(ctx, change)
    if comparison.already_removed:
        st.caption(t("soll_steps.already_heading"))
        st.markdown(
            "\n".join(
                f"- {w.md(_change_line(ctx, c, c.ist_stages))}" for c in comparison.already_removed
            )
        )
    if comparison.stray_measures:
        st.warning(t("soll_page.stray", n=len(comparison.stray_measures)))
        _measure_rows(ctx, comparison.stray_measures, "stray")
    if comparison.remaining:
        st.markdown(f"**{t('soll_page.remaining_heading')}**")
        st.markdown(
            "\n".join(
                f"- {w.md(_change_line(ctx, c, c.soll_stages))}" for c in comparison.remaining
            )
        )
    if comparison.new:
        st.markdown(f"**{t('soll_page.new_heading')}**")
        st.markdown(
            "\n".join(f"- {w.md(_change_line(ctx, c, c.soll_stages))}" for c in comparison.new)
        )


# ---------------------------------------------------------------- maps


def _maps(ctx: Ctx) -> None:
    stages = ui.stages(include_retired=True)
    for journey, heading in (
        (ctx.ist, t("soll_page.ist_heading")),
        (ctx.soll, jx.journey_label(ctx.soll)),
    ):
        st.subheader(heading, anchor=False)
        dependencies = storage.dependencies.list_dependencies(ui.db(), journey.id or 0)
        dot = journeymap.journey_map_dot(
            journey,
            ctx.family,
            taxonomy=ctx.taxonomy,
            stages=stages,
            services=ctx.services,
            show_member_lanes=True,
            dependencies=dependencies,
        )
        alt = chart_text.journey_alt(journey, ctx.family.code, stages, ctx.services)
        ui.graphviz_chart(dot, key=f"soll_map_{journey.kind.value}", alt=alt)


# ---------------------------------------------------------------- page


def _journeys(family: Family) -> tuple[Journey | None, list[Journey]]:
    journeys = storage.list_journeys(ui.db(), family.id or 0)
    ist = [j for j in journeys if j.kind is JourneyKind.IST]
    return (ist[0] if ist else None), [j for j in journeys if j.kind is JourneyKind.SOLL]


def _source_of(soll: Journey, ist: Journey, family: Family) -> Journey:
    """The Ist journey the Soll was copied from (the family's Ist journey if it is gone)."""
    if soll.source_journey_id and soll.source_journey_id != ist.id:
        journeys = storage.list_journeys(ui.db(), family.id or 0)
        return next((j for j in journeys if j.id == soll.source_journey_id), ist)
    return ist


def _context(family: Family, ist: Journey, soll: Journey) -> Ctx:
    """The data as this user may see it: without health rights, no health tags."""
    full = ui.taxonomy()
    all_stages = ui.stages(include_retired=True)
    return Ctx(
        family=family,
        ist=visibility.journey_for(user, ist, full),
        soll=visibility.journey_for(user, soll, full),
        measures=storage.list_measures(ui.db(), soll.id or 0),
        taxonomy=visibility.taxonomy_for(user, full),
        stages={s.key: s.label for s in all_stages},
        services={s.id: s for s in ui.services(include_retired=True) if s.id},
    )


def _visible_measures(ctx: Ctx) -> list[SollMeasure]:
    """Measures of barriers this user may see (health measures only with health rights)."""
    if user.sees_health:
        return ctx.measures
    return [
        m for m in ctx.measures if not visibility.is_sensitive_key(ui.taxonomy(), m.barrier_key)
    ]


def main() -> None:
    ui.show_flash()
    family = _select_family()
    if family is None:
        return
    ui.audit_view(family.code, page=t("nav.soll"))
    ui.synthetic_notice(family.synthetic)
    st.caption(t("soll_page.intro"))
    ist, solls = _journeys(family)
    if ist is None or not ist.steps:
        st.info(t("soll_page.no_ist"))
        w.page_link(
            "pages/journey.py", t("soll_page.to_journey"), url_path="reise", icon=":material/route:"
        )
        return
    soll = _requested_soll(family.code, solls)
    if soll is None:
        _new_soll_form(ist, family.code, first=True)
        return
    ctx = _context(family, _source_of(soll, ist, family), soll)
    _soll_bar(ctx, solls)
    w.chip_style(ctx.taxonomy)
    comparison = compare(ctx.ist, ctx.soll, _visible_measures(ctx))
    _summary(ctx, comparison)
    # Fixed labels and a key: the tab stays open when a save changes the figures.
    side, measures, maps = st.tabs(
        [t("soll_page.tab_side"), t("soll_page.tab_measures"), t("soll_page.tab_maps")],
        key="soll_tab",
        on_change="rerun",
    )
    with side:
        side_by_side(ctx, comparison)
    with measures:
        _measures_section(ctx, comparison)
    with maps:
        _maps(ctx)


main()
