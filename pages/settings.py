"""Einstellungen: the reference data every journey is recorded with.

A coach or admin maintains three lists here: the service catalogue per Sozialraum, the
stage template and the barrier taxonomy. Keys never change and nothing that is in use is
deleted (it is retired instead), so old journeys keep their meaning when the law or the
local services change. Every edit validates through the pydantic models; an invalid one
shows German messages and stores nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from barriers.taxonomy import (
    SENSITIVE_CATEGORY,
    Barrier,
    Category,
    Levesque,
    NonTakeUp,
    Side,
    Taxonomy,
)
from journeys import storage
from journeys.i18n import t
from journeys.models import Service, Stage
from journeys.permissions import Permission
from journeys.reference import unique_key
from pages import guard, join_address_panel, pii_guard, ui, widgets

user = guard.require(Permission.SETTINGS)

NEW = "__neu__"
ALL = "__alle__"
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


# ---------------------------------------------------------------- small helpers


def _md(text: str) -> str:
    """User text escaped for Streamlit Markdown (labels of expanders), so it shows as typed."""
    return widgets.no_links(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area: one question or service per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _status(retired: bool) -> str:
    return t("settings.status_retired") if retired else t("settings.status_active")


def _suffix(retired: bool) -> str:
    return f" {t('settings.retired_suffix')}" if retired else ""


@contextmanager
def _attempt(success: str, *, deleting: bool = False) -> Iterator[None]:
    """Run one change through ``ui.saving``; on success rerun so every table shows it."""
    with ui.saving(success, refusal=deleting) as outcome:
        yield
    if outcome.ok:
        st.rerun()


def _picker(key: str, label: str, options: list[str], labels: dict[str, str]) -> str:
    """A selectbox of "new" plus ``options`` whose choice survives saves.

    A just-created record is preselected through ``_select_next`` (a widget's state can
    only be set before the widget is drawn); a choice that vanished falls back to "new".
    """
    pending = st.session_state.pop(f"{key}__next", None)
    if pending is not None:
        st.session_state[key] = pending
    choices = [NEW, *options]
    # Set on every run, also when unchanged: the browser then gets the current label
    # ("4. Kooperationsplan" after a rename or a move), or it would send the old label
    # back on the next click and the choice would fall back to "new".
    current = st.session_state.get(key)
    st.session_state[key] = current if current in choices else NEW
    return st.selectbox(label, choices, format_func=lambda k: labels.get(k, k), key=key)


def _select_next(key: str, value: str) -> None:
    st.session_state[f"{key}__next"] = value


def _form_id(name: str) -> str:
    """A form key that changes after each successful "add", so the new form starts empty."""
    return f"{name}_{st.session_state.get(f'{name}__n', 0)}"


def _reset_form(name: str) -> None:
    st.session_state[f"{name}__n"] = st.session_state.get(f"{name}__n", 0) + 1


def _text(label_key: str, width: int) -> ColumnConfig:
    return st.column_config.TextColumn(t(label_key), width=width)


def _count(label_key: str) -> ColumnConfig:
    return st.column_config.NumberColumn(t(label_key), format="%d", width=110)


def _fit(rows: int) -> int:
    """A table height that shows every row of a short list without an inner scrollbar."""
    return 35 * (rows + 1) + 3


@st.cache_data(show_spinner=False, max_entries=16)
def _usage(path: str, data_version: int, what: str) -> dict:
    """How often services, stages or barriers are used; recomputed only after a save."""
    counters: dict[str, Callable[..., dict]] = {
        "services": storage.service_usage,
        "stages": storage.stage_usage,
        "barriers": storage.barrier_usage,
    }
    return counters[what](ui.db())


def usage(what: str) -> dict:
    return _usage(ui.db_path(), ui.version(), what)


# ---------------------------------------------------------------- Hilfeangebote


def services_tab() -> None:
    """The service catalogue of one Sozialraum (or all), with add, edit, retire and delete."""
    st.caption(t("settings.services.intro"))
    raeume = ui.sozialraeume(archetypes=True)  # the archetypes' generic services stay
    if (pending := st.session_state.pop("set_svc_raum__next", None)) in raeume:
        st.session_state["set_svc_raum"] = pending
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    raum = left.selectbox(
        t("settings.services.filter"),
        [ALL, *raeume],
        format_func=lambda r: t("settings.services.all") if r == ALL else r,
        key="set_svc_raum",
    )
    show_retired = right.toggle(t("settings.show_retired"), value=True, key="set_svc_retired")
    catalogue = [
        s
        for s in ui.services(include_retired=True)
        if (raum == ALL or s.sozialraum == raum) and (show_retired or not s.retired)
    ]
    stages = {s.key: s for s in ui.stages(include_retired=True)}
    counts = usage("services")
    _services_table(catalogue, stages, counts, show_raum=raum == ALL)
    _service_editor(catalogue, raeume, stages, counts, raum)
    _sozialraum_form(raeume)


def _services_table(
    catalogue: list[Service], stages: dict[str, Stage], counts: dict, *, show_raum: bool
) -> None:
    if not catalogue:
        st.info(t("settings.services.empty"))
        return
    st.caption(t("settings.services.count", n=len(catalogue)))
    frame = pd.DataFrame(
        {
            "name": [s.name for s in catalogue],
            "sozialraum": [s.sozialraum for s in catalogue],
            "kind": [s.kind for s in catalogue],
            "legal_basis": [s.legal_basis for s in catalogue],
            "in_use": [counts.get(s.id, 0) for s in catalogue],
            "status": [_status(s.retired) for s in catalogue],
            "contact": [s.contact for s in catalogue],
            "stages": [[stages[k].label for k in s.stages if k in stages] for s in catalogue],
        }
    )
    if not show_raum:
        frame = frame.drop(columns="sozialraum")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "name": _text("fields.name", 280),
            "sozialraum": _text("fields.sozialraum", 120),
            "kind": _text("fields.kind", 110),
            "legal_basis": _text("fields.legal_basis", 140),
            "in_use": _count("settings.in_use"),
            "status": _text("settings.status", 90),
            "contact": _text("fields.contact", 240),
            "stages": st.column_config.ListColumn(t("fields.stages"), width=260),
        },
    )


def _service_editor(
    catalogue: list[Service],
    raeume: list[str],
    stages: dict[str, Stage],
    counts: dict,
    raum: str,
) -> None:
    labels = {NEW: t("settings.services.new_option")}
    labels |= {str(s.id): f"{s.name} · {s.sozialraum}{_suffix(s.retired)}" for s in catalogue}
    choice = _picker("set_svc_pick", t("settings.services.pick"), list(labels)[1:], labels)
    by_id = {str(s.id): s for s in catalogue}
    if choice == NEW:
        _service_form(None, raeume, stages, raum)
        return
    service = by_id[choice]
    _service_form(service, raeume, stages, raum)
    _service_actions(service, counts.get(service.id, 0))


def _service_form(
    service: Service | None, raeume: list[str], stages: dict[str, Stage], raum: str
) -> None:
    """The fields of a service; ``None`` means a new one in the chosen Sozialraum."""
    new = service is None
    suffix = _form_id(f"set_svc_new_{raum}") if new else f"set_svc_{service.id}"
    kinds = sorted({s.kind for s in ui.services(include_retired=True) if s.kind})
    offered = [k for k, s in stages.items() if not s.retired or (service and k in service.stages)]
    with st.form(f"{suffix}_form"):
        st.markdown(
            f"**{t('settings.services.new_heading' if new else 'settings.services.edit_heading')}**"
        )
        name = st.text_input(
            t("fields.name"), value="" if new else service.name, max_chars=120, key=f"{suffix}_name"
        )
        left, right = st.columns(2)
        current_raum = service.sozialraum if service else (raum if raum in raeume else None)
        sozialraum = left.selectbox(
            t("fields.sozialraum"),
            raeume,
            index=raeume.index(current_raum) if current_raum in raeume else 0,
            key=f"{suffix}_raum",
        )
        kind = right.selectbox(
            t("fields.kind"),
            kinds,
            index=kinds.index(service.kind) if service and service.kind in kinds else None,
            placeholder=t("settings.services.kind_placeholder"),
            accept_new_options=True,
            help=t("settings.services.kind_help"),
            key=f"{suffix}_kind",
        )
        legal_basis = left.text_input(
            t("fields.legal_basis"),
            value="" if new else service.legal_basis,
            max_chars=200,
            help=t("settings.services.legal_basis_help"),
            key=f"{suffix}_legal",
        )
        contact = right.text_input(
            t("fields.contact"),
            value="" if new else service.contact,
            max_chars=200,
            help=t("settings.services.contact_help"),
            key=f"{suffix}_contact",
        )
        chosen = st.multiselect(
            t("fields.stages"),
            offered,
            default=[k for k in service.stages if k in offered] if service else [],
            format_func=lambda k: stages[k].label + _suffix(stages[k].retired),
            placeholder=t("settings.services.stages_placeholder"),
            help=t("settings.services.stages_help"),
            key=f"{suffix}_stages",
        )
        submitted = st.form_submit_button(
            t("settings.services.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    if not submitted:
        return
    success = t("settings.services.added" if new else "settings.services.saved")
    with _attempt(success):
        values = {
            "name": name,
            "sozialraum": sozialraum,
            "kind": kind or "",
            "legal_basis": legal_basis,
            "contact": contact,
            "stages": chosen,
        }
        if new:
            saved = storage.save_service(ui.db(), Service(**values))
            _reset_form(f"set_svc_new_{raum}")
            _select_next("set_svc_pick", str(saved.id))
        else:
            changed = Service.model_validate({**service.model_dump(), **values})
            storage.save_service(ui.db(), changed)
            if raum not in (ALL, changed.sozialraum):
                # Moved to another Sozialraum: follow it there, so it stays selected.
                st.session_state["set_svc_raum__next"] = changed.sozialraum


def _service_actions(service: Service, used: int) -> None:
    """Retire or reactivate a service, or delete it if nothing refers to it."""
    if service.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.services.usage_caption", n=used))
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if service.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key="set_svc_retire",
        width="stretch",
    ):
        message = (
            "settings.services.reactivated" if service.retired else "settings.services.retired"
        )
        with _attempt(t(message)):
            changed = service.model_copy(update={"retired": not service.retired})
            storage.save_service(ui.db(), changed)
    if delete.button(
        t("common.delete"), help=t("settings.delete_help"), key="set_svc_delete", width="stretch"
    ):
        with _attempt(t("settings.services.deleted"), deleting=True):
            storage.delete_service(ui.db(), service.id)
            _select_next("set_svc_pick", NEW)


def _sozialraum_form(raeume: list[str]) -> None:
    """Add a Sozialraum: a place or neighbourhood, never an address."""
    form = _form_id("set_raum")
    with st.expander(t("settings.services.raum_heading"), icon=":material/add_location:"):
        st.caption(t("settings.services.raum_list", names=_md(", ".join(raeume))))
        with st.form(form):
            name = st.text_input(
                t("settings.services.raum_name"),
                max_chars=120,
                help=t("settings.services.raum_help"),
                key=f"{form}_name",
            )
            submitted = st.form_submit_button(t("settings.services.raum_add"), key=f"{form}_submit")
        if not submitted:
            return
        name = (name or "").strip()
        if not name:
            ui.show_errors([t("errors.empty_name")])
        elif name in raeume:
            ui.show_errors([t("settings.services.raum_exists")])
        else:
            storage.add_sozialraum(ui.db(), name)
            _reset_form("set_raum")
            st.session_state["set_svc_raum__next"] = name
            ui.flash(t("settings.services.raum_added"))
            st.rerun()


# ---------------------------------------------------------------- Phasen


def stages_tab() -> None:
    """The stage template: rename, add, reorder, retire, delete when unused."""
    st.caption(t("settings.stages.intro"))
    all_stages = ui.stages(include_retired=True)
    counts = usage("stages")
    _stages_table(all_stages, counts)
    labels = {NEW: t("settings.stages.new_option")}
    labels |= {
        s.key: f"{n}. {s.label}{_suffix(s.retired)}" for n, s in enumerate(all_stages, start=1)
    }
    choice = _picker("set_stage_pick", t("settings.stages.pick"), list(labels)[1:], labels)
    if choice == NEW:
        _stage_form(None, [s.key for s in all_stages])
        return
    stage = next(s for s in all_stages if s.key == choice)
    _stage_form(stage, [])
    _stage_actions(stage, [s.key for s in all_stages], counts.get(stage.key, 0))


def _stages_table(all_stages: list[Stage], counts: dict) -> None:
    frame = pd.DataFrame(
        {
            "position": range(1, len(all_stages) + 1),
            "label": [s.label for s in all_stages],
            "key": [s.key for s in all_stages],
            "steps": [counts.get(s.key, 0) for s in all_stages],
            "status": [_status(s.retired) for s in all_stages],
            "description": [s.description for s in all_stages],
            "typical_services": [s.typical_services for s in all_stages],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        height=_fit(len(all_stages)),
        column_config={
            "position": st.column_config.NumberColumn(t("settings.stages.position"), width=50),
            "label": _text("settings.stages.label", 220),
            "key": _text("fields.key", 150),
            "steps": _count("settings.stages.steps"),
            "status": _text("settings.status", 90),
            "description": _text("fields.description", 420),
            "typical_services": st.column_config.ListColumn(
                t("settings.stages.typical_services"), width=300
            ),
        },
    )


def _stage_form(stage: Stage | None, taken: list[str]) -> None:
    """Label, description and typical services; a new stage gets a key from its label."""
    new = stage is None
    suffix = _form_id("set_stage_new") if new else f"set_stage_{stage.key}"
    with st.form(f"{suffix}_form"):
        st.markdown(
            f"**{t('settings.stages.new_heading' if new else 'settings.stages.edit_heading')}**"
        )
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=stage.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else stage.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        description = st.text_area(
            t("fields.description"),
            value="" if new else stage.description,
            max_chars=2000,
            key=f"{suffix}_description",
        )
        services = st.text_area(
            t("settings.stages.typical_services"),
            value="" if new else "\n".join(stage.typical_services),
            help=t("settings.stages.typical_services_help"),
            key=f"{suffix}_services",
        )
        submitted = st.form_submit_button(
            t("settings.stages.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.description"): description or ""}
    texts[t("settings.stages.typical_services")] = services or ""
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(t("settings.stages.added" if new else "settings.stages.saved")):
        values = {"label": label, "description": description, "typical_services": _lines(services)}
        if new:
            key = unique_key(label or "", taken, fallback="phase")
            storage.save_stage(ui.db(), Stage(key=key, **values))
            _reset_form("set_stage_new")
            _select_next("set_stage_pick", key)
        else:
            storage.save_stage(ui.db(), Stage.model_validate({**stage.model_dump(), **values}))


def _stage_actions(stage: Stage, order: list[str], used: int) -> None:
    """Move up/down, retire or reactivate, delete when no step lies in the stage."""
    if stage.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.stages.usage_caption", n=used))
    up, down, retire, delete, _ = st.columns([1, 1, 1, 1, 2])
    place = order.index(stage.key)
    if up.button(
        t("settings.stages.up"), icon=":material/arrow_upward:", disabled=place == 0,
        key="set_stage_up", width="stretch",
    ):  # fmt: skip
        with _attempt(t("settings.stages.moved")):
            storage.move_stage(ui.db(), stage.key, -1)
    if down.button(
        t("settings.stages.down"), icon=":material/arrow_downward:",
        disabled=place == len(order) - 1, key="set_stage_down", width="stretch",
    ):  # fmt: skip
        with _attempt(t("settings.stages.moved")):
            storage.move_stage(ui.db(), stage.key, 1)
    if retire.button(
        t("settings.reactivate" if stage.retired else "settings.retire"),
        help=t("settings.retire_help"), key="set_stage_retire", width="stretch",
    ):  # fmt: skip
        message = "settings.stages.reactivated" if stage.retired else "settings.stages.retired"
        with _attempt(t(message)):
            storage.set_stage_retired(ui.db(), stage.key, not stage.retired)
    if delete.button(
        t("common.delete"), help=t("settings.delete_help"), key="set_stage_delete", width="stretch"
    ):
        with _attempt(t("settings.stages.deleted"), deleting=True):
            storage.delete_stage(ui.db(), stage.key)
            _select_next("set_stage_pick", NEW)


# ---------------------------------------------------------------- Barrieren


def barriers_tab() -> None:
    """The taxonomy by category: search, add, edit, retire, delete when never used."""
    taxonomy = ui.taxonomy()
    st.caption(t("settings.barriers.intro"))
    st.markdown(
        t("settings.barriers.version", version=_md(taxonomy.version)),
        help=t("settings.barriers.version_help"),
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    query = left.text_input(
        t("settings.barriers.search"),
        placeholder=t("settings.barriers.search_placeholder"),
        key="set_bar_search",
    )
    show_retired = right.toggle(t("settings.show_retired"), value=True, key="set_bar_retired")
    hits = {b.key for b in taxonomy.search(query, include_retired=True)} if query.strip() else None
    counts = usage("barriers")
    shown_any = False
    for category, barriers in taxonomy.grouped(include_retired=True):
        shown = [
            b for b in barriers
            if (show_retired or not b.retired) and (hits is None or b.key in hits)
        ]  # fmt: skip
        if hits is not None and not shown:
            continue
        shown_any = True
        _category_section(category, barriers, shown, counts, searching=hits is not None)
    if not shown_any:
        st.info(t("settings.nothing_found"))
    _category_editor(taxonomy)


def _category_section(
    category: Category,
    barriers: list[Barrier],
    shown: list[Barrier],
    counts: dict,
    *,
    searching: bool,
) -> None:
    """One expander per category, in its colour, with its barriers and their editor."""
    retired = sum(b.retired for b in barriers)
    label = _md(category.label)
    if searching:
        title = t("settings.barriers.expander_hits", label=label, k=len(shown), n=len(barriers))
    elif retired:
        title = t("settings.barriers.expander_retired", label=label, n=len(barriers), r=retired)
    else:
        title = t("settings.barriers.expander", label=label, n=len(barriers))
    opened = searching or st.session_state.get("set_bar_open") == category.key
    icon = ":material/lock:" if category.sensitive else ":material/label:"
    with st.expander(title, expanded=opened, icon=icon):
        _swatch(category.color)
        if category.description:
            st.caption(_md(category.description))
        if category.sensitive:
            st.warning(t("settings.barriers.sensitive_note"), icon=":material/lock:")
        _barriers_table(shown, counts)
        _barrier_editor(category, barriers, shown, counts)


def _swatch(color: str) -> None:
    """A bar in the category colour (only a validated ``#rrggbb`` reaches the HTML)."""
    safe = color if _HEX.fullmatch(color) else "#888888"
    st.html(
        f'<div title="{html.escape(t("settings.barriers.color_caption"))}" '
        f'style="height:0.4rem;border-radius:0.2rem;background:{safe}"></div>'
    )


def _barriers_table(shown: list[Barrier], counts: dict) -> None:
    if not shown:
        st.caption(t("settings.barriers.empty_category"))
        return
    frame = pd.DataFrame(
        {
            "label": [b.label for b in shown],
            "explanation": [b.explanation for b in shown],
            "in_use": [counts.get(b.key, 0) for b in shown],
            "status": [_status(b.retired) for b in shown],
            "levesque": [b.levesque.label for b in shown],
            "side": [t(f"settings.side.{b.side.value}") for b in shown],
            "ntu": [b.ntu.label for b in shown],
            "questions": [b.questions for b in shown],
            "key": [b.key for b in shown],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        height=_fit(len(shown)),
        column_config={
            "label": _text("fields.label", 240),
            "explanation": _text("fields.explanation", 360),
            "in_use": _count("settings.in_use"),
            "status": _text("settings.status", 90),
            "levesque": st.column_config.TextColumn(
                Levesque.field(), width=170, help=Levesque.field_help()
            ),
            "side": _text("fields.side", 80),
            "ntu": st.column_config.TextColumn(
                NonTakeUp.field(), width=170, help=NonTakeUp.field_help()
            ),
            "questions": st.column_config.ListColumn(t("settings.barriers.questions"), width=300),
            "key": _text("fields.key", 200),
        },
    )


def _barrier_editor(
    category: Category, barriers: list[Barrier], shown: list[Barrier], counts: dict
) -> None:
    pick_key = f"set_bar_pick_{category.key}"
    labels = {NEW: t("settings.barriers.new_option")}
    labels |= {b.key: f"{b.label}{_suffix(b.retired)}" for b in shown}
    choice = _picker(pick_key, t("settings.barriers.pick"), list(labels)[1:], labels)
    if choice == NEW:
        _barrier_form(category, None, [b.key.split(".", 1)[1] for b in barriers])
        return
    barrier = next(b for b in barriers if b.key == choice)
    _barrier_form(category, barrier, [])
    _barrier_actions(category, barrier, counts.get(barrier.key, 0))


def _barrier_form(category: Category, barrier: Barrier | None, taken: list[str]) -> None:
    """The fields of a barrier; a new one gets the key ``<category>.<slug of label>``."""
    new = barrier is None
    name = f"set_bar_new_{category.key}"
    suffix = _form_id(name) if new else f"set_bar_{barrier.key.replace('.', '__')}"
    with st.form(f"{suffix}_form"):
        heading = (
            t("settings.barriers.new_heading", category=_md(category.label))
            if new
            else t("settings.barriers.edit_heading")
        )
        st.markdown(f"**{heading}**")
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=barrier.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else barrier.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        explanation = st.text_input(
            t("fields.explanation"),
            value="" if new else barrier.explanation,
            max_chars=200,
            key=f"{suffix}_explanation",
        )
        levesque_col, side_col, ntu_col = st.columns(3)
        levesque = levesque_col.selectbox(
            Levesque.field(),
            list(Levesque),
            index=0 if new else list(Levesque).index(barrier.levesque),
            format_func=lambda d: d.label,
            help=Levesque.field_help(),
            key=f"{suffix}_levesque",
        )
        side = side_col.radio(
            t("fields.side"),
            list(Side),
            index=0 if new else list(Side).index(barrier.side),
            format_func=lambda s: t(f"enums.Side.{s.value}"),
            key=f"{suffix}_side",
        )
        ntu = ntu_col.selectbox(
            NonTakeUp.field(),
            list(NonTakeUp),
            index=0 if new else list(NonTakeUp).index(barrier.ntu),
            format_func=lambda n: n.label,
            help=NonTakeUp.field_help(),
            key=f"{suffix}_ntu",
        )
        questions = st.text_area(
            t("settings.barriers.questions"),
            value="" if new else "\n".join(barrier.questions),
            help=t("settings.barriers.questions_help"),
            key=f"{suffix}_questions",
        )
        submitted = st.form_submit_button(
            t("settings.barriers.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.explanation"): explanation or ""}
    texts[t("settings.barriers.questions")] = questions or ""
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(t("settings.barriers.added" if new else "settings.barriers.saved")):
        values = {
            "label": label,
            "explanation": explanation,
            "levesque": levesque,
            "side": side,
            "ntu": ntu,
            "questions": _lines(questions),
        }
        if new:
            key = f"{category.key}.{unique_key(label or '', taken, fallback='barriere')}"
            storage.save_barrier(ui.db(), Barrier(key=key, category=category.key, **values))
            _reset_form(name)
            _select_next(f"set_bar_pick_{category.key}", key)
        else:
            storage.save_barrier(
                ui.db(), Barrier.model_validate({**barrier.model_dump(), **values})
            )
        st.session_state["set_bar_open"] = category.key


def _barrier_actions(category: Category, barrier: Barrier, used: int) -> None:
    """Retire or reactivate; delete only a barrier that was never tagged."""
    if barrier.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.barriers.usage_caption", n=used))
    suffix = barrier.key.replace(".", "__")
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if barrier.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key=f"set_bar_retire_{suffix}",
        width="stretch",
    ):
        message = (
            "settings.barriers.reactivated" if barrier.retired else "settings.barriers.retired"
        )
        with _attempt(t(message)):
            storage.set_barrier_retired(ui.db(), barrier.key, not barrier.retired)
            st.session_state["set_bar_open"] = category.key
    if delete.button(
        t("common.delete"),
        help=t("settings.delete_help"),
        key=f"set_bar_delete_{suffix}",
        width="stretch",
    ):
        with _attempt(t("settings.barriers.deleted"), deleting=True):
            storage.delete_barrier(ui.db(), barrier.key)
            _select_next(f"set_bar_pick_{category.key}", NEW)
            st.session_state["set_bar_open"] = category.key


def _category_editor(taxonomy: Taxonomy) -> None:
    """Add a category or change label, description, colour and protection of one."""
    st.subheader(t("settings.barriers.categories_heading"))
    labels = {NEW: t("settings.barriers.category_new_option")}
    labels |= {c.key: c.label for c in taxonomy.categories}
    choice = _picker("set_cat_pick", t("settings.barriers.category_pick"), list(labels)[1:], labels)
    category = None if choice == NEW else taxonomy.category(choice)
    new = category is None
    suffix = _form_id("set_cat_new") if new else f"set_cat_{category.key}"
    locked = not new and category.key == SENSITIVE_CATEGORY
    with st.form(f"{suffix}_form"):
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=category.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else category.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        description = st.text_area(
            t("fields.description"),
            value="" if new else category.description,
            max_chars=2000,
            key=f"{suffix}_description",
        )
        left, right = st.columns(2)
        color = left.color_picker(
            t("fields.color"), value="#888888" if new else category.color, key=f"{suffix}_color"
        )
        sensitive = right.checkbox(
            t("settings.barriers.sensitive"),
            value=locked or (not new and category.sensitive),
            disabled=locked,
            help=t("settings.barriers.sensitive_help"),
            key=f"{suffix}_sensitive",
        )
        submitted = st.form_submit_button(
            t("settings.barriers.category_add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.description"): description or ""}
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(
        t("settings.barriers.category_added" if new else "settings.barriers.category_saved")
    ):
        values = {
            "label": label,
            "description": description,
            "color": color,
            "sensitive": locked or sensitive,
        }
        if new:
            key = unique_key(
                label or "", [c.key for c in taxonomy.categories], fallback="kategorie"
            )
            storage.save_category(ui.db(), Category(key=key, **values))
            _reset_form("set_cat_new")
            _select_next("set_cat_pick", key)
            st.session_state["set_bar_open"] = key
        else:
            storage.save_category(
                ui.db(), Category.model_validate({**category.model_dump(), **values})
            )


# ---------------------------------------------------------------- page


def main() -> None:
    st.title(t("settings.title"))
    st.caption(t("settings.intro"))
    ui.show_flash()
    labels = [t("settings.tab_services"), t("settings.tab_stages"), t("settings.tab_barriers")]
    services, stages, barriers, address = st.tabs(
        [*labels, t("room.tab")], key="set_tab", on_change="rerun"
    )
    with services:
        services_tab()
    with stages:
        stages_tab()
    with barriers:
        barriers_tab()
    with address:
        join_address_panel.tab()


main()
