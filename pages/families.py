"""Familien: the list of all families, and the place to create, edit and archive one.

The default page, the first thing a coach sees. It lists the families under their random
case codes with the figures that say where work waits (open barriers, last change), lets
the coach narrow the list, and leads to each family's journey. Creating and editing go
through the pydantic ``Family`` model, so the form refuses exactly what storage would,
in German, naming the field.

Session state used here (all prefixed ``fam_`` except the hand-over to the journey page):
``family_code`` (read by the journey page), ``fam_tab`` (active tab), ``fam_pick``
(selected family), ``fam_edit`` (the family being edited: id, snapshot, widget prefix),
``fam_new_rev`` / ``fam_created`` (the create form and its last success) and ``_mem_*``
(filter values kept while the coach visits another page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from journeys import storage, visibility
from journeys.errors import ConflictError, NotFoundError, ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    Family,
    FamilyStatus,
    HouseholdType,
    Member,
    Role,
    new_case_code,
)
from journeys.permissions import Permission
from journeys.storage.family_list import ListFilter
from pages import family_list_data as fl_data
from pages import family_pager, guard, pii_guard, team_choice, ui, widgets
from pages import journey_extras as jx
from pages.consent_panel import consent_panel

user = guard.require(Permission.CASES)

T = TypeVar("T")

JOURNEY_PAGE = "pages/journey.py"
JOURNEY_URL_PATH = "reise"
TAB_KEY = "fam_tab"
PICK_KEY = "fam_pick"
STATUS_ALL = "alle"
MEMBER_COLUMNS = ("id", "role", "age_band", "languages", "needs_interpreter")
TABLE_MAX_ROWS = 15
ROW_HEIGHT = 35

# Material icons ship with Streamlit, so they show on machines without an emoji font.
ICON_ADD = ":material/add:"
ICON_ARCHIVE = ":material/archive:"
ICON_DICE = ":material/casino:"
ICON_DONE = ":material/check_circle:"
ICON_EDIT = ":material/edit:"
ICON_INFO = ":material/info:"
ICON_JOURNEY = ":material/route:"
ICON_LOCK = ":material/lock:"
ICON_NO_MATCH = ":material/search_off:"
ICON_REMOVE = ":material/person_remove:"
ICON_RESTORE = ":material/unarchive:"
ICON_SEARCH = ":material/search:"

ROLE_LABELS = {role.value: role.label for role in Role}
AGE_LABELS = {band.value: band.label for band in AgeBand}
HOUSEHOLD_LABELS = {kind.value: kind.label for kind in HouseholdType}
STATUS_LABELS = {status.value: status.label for status in FamilyStatus}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


# ---------------------------------------------------------------- small helpers


def md(text: str) -> str:
    """``text`` escaped for Streamlit Markdown: user text never becomes formatting or a link."""
    return widgets.no_links(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _restore(key: str, allowed: Iterable[Any] | None = None) -> None:
    """Give a widget back the value it had before the coach visited another page.

    Streamlit forgets the state of widgets that were not drawn in a run; the copy under
    ``_mem_<key>`` survives. Values no longer offered (an archived family) are dropped.
    """
    memory = f"_mem_{key}"
    if key in st.session_state or memory not in st.session_state:
        return
    value = st.session_state[memory]
    if allowed is not None:
        options = list(allowed)
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            return
    st.session_state[key] = value


def _remember(key: str) -> None:
    st.session_state[f"_mem_{key}"] = st.session_state.get(key)


def _goto_tab(label: str) -> None:
    st.session_state[TAB_KEY] = label


def _open_journey(code: str) -> None:
    """Hand the family over to the journey page (session state and query parameter)."""
    st.session_state["family_code"] = code
    st.switch_page(JOURNEY_PAGE, query_params={"familie": code})


def journey_url(code: str) -> str:
    """The address of a family's journey, respecting a configured ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/{JOURNEY_URL_PATH}?familie={quote(code)}"


def common_languages(extra: Iterable[str] = ()) -> list[str]:
    """Languages offered in the member table: common ones in Germany plus those in use."""
    listed = [lang.strip() for lang in t("families.common_languages").split(";")]
    return list(dict.fromkeys([*listed, *extra]))


# ---------------------------------------------------------------- list


def _filters(sozialraeume_in_use: Iterable[str]) -> dict[str, Any]:
    """Search box and filters above the table; their values survive a visit to the journey."""
    sozialraum_options = list(dict.fromkeys([*ui.sozialraeume(), *sozialraeume_in_use]))
    status_options = [*STATUS_LABELS, STATUS_ALL]
    _restore("fam_f_search")
    _restore("fam_f_sozialraum", sozialraum_options)
    _restore("fam_f_household", HOUSEHOLD_LABELS)
    _restore("fam_f_status", status_options)
    st.session_state.setdefault("fam_f_status", FamilyStatus.AKTIV.value)
    for key in ("fam_f_search", "fam_f_sozialraum", "fam_f_household", "fam_f_status"):
        if key in st.session_state:
            # Hand the browser the value the list is filtered by: back from the other tab
            # it may otherwise draw an empty control while the filter still applies.
            st.session_state[key] = st.session_state[key]
    search_col, sozialraum_col, household_col, status_col = st.columns(
        [2, 2, 2, 2.6], vertical_alignment="bottom"
    )
    search = search_col.text_input(
        t("families.search"),
        key="fam_f_search",
        placeholder=t("families.search_placeholder"),
        icon=ICON_SEARCH,
        max_chars=60,
    )
    sozialraeume = sozialraum_col.multiselect(
        t("families.filter_sozialraum"),
        sozialraum_options,
        key="fam_f_sozialraum",
        placeholder=t("families.filter_all"),
    )
    households = household_col.multiselect(
        t("families.filter_household"),
        list(HOUSEHOLD_LABELS),
        key="fam_f_household",
        format_func=ui.label_of(HOUSEHOLD_LABELS),
        placeholder=t("families.filter_all"),
    )
    status = status_col.segmented_control(
        t("families.filter_status"),
        status_options,
        key="fam_f_status",
        required=True,
        format_func=ui.label_of({**STATUS_LABELS, STATUS_ALL: t("families.status_all")}),
    )
    for key in ("fam_f_search", "fam_f_sozialraum", "fam_f_household", "fam_f_status"):
        _remember(key)
    return {
        "search": search,
        "sozialraeume": sozialraeume,
        "households": households,
        "status": status or FamilyStatus.AKTIV.value,
    }


def table_frame(shown: pd.DataFrame, *, with_status: bool) -> pd.DataFrame:
    """The rows as the table shows them: German labels, local time, link to the journey.

    The widths of ``_table_config`` (plus the selection column) add up to less than the
    content width of a 1400 px window with the sidebar open, so no column is cut off there.
    """
    updated = pd.to_datetime(shown["updated_at"], utc=True, format="ISO8601")
    # Most telling first: on a narrow screen the table scrolls and the code stays pinned.
    frame = pd.DataFrame(
        {
            "code": [journey_url(code) for code in shown["code"]],
            "sozialraum": shown["sozialraum"],
            "household": shown["household_type"].map(HOUSEHOLD_LABELS),
            "members": shown["members"],
            "open_barriers": shown["open_barriers"],
            "steps": shown["steps"],
            "updated": updated.dt.tz_convert(t("families.timezone")),
            "status": shown["status"].map(STATUS_LABELS),
            "team": shown["team"],
            "synthetic": shown["synthetic"].astype(bool),
        }
    ).reset_index(drop=True)
    if not with_status:
        frame = frame.drop(columns="status")
    if not shown["synthetic"].any():
        frame = frame.drop(columns="synthetic")
    return frame


def _table_config() -> dict[str, Any]:
    cc = st.column_config
    return {
        "code": cc.LinkColumn(
            t("families.col_code"),
            help=t("families.col_code_help"),
            display_text=r"familie=(.*)$",
            width=95,
            pinned=True,
        ),
        "sozialraum": cc.TextColumn(t("families.col_sozialraum"), width=105),
        "household": cc.TextColumn(t("families.col_household"), width=125),
        "team": cc.TextColumn(t("families.col_team"), width=120),
        "members": cc.NumberColumn(
            t("families.col_members"), help=t("families.col_members_help"), format="%d", width=80
        ),
        "steps": cc.NumberColumn(
            t("families.col_steps"), help=t("families.col_steps_help"), format="%d", width=65
        ),
        "open_barriers": cc.NumberColumn(
            t("families.col_open_barriers"),
            help=t("families.col_open_barriers_help"),
            format="%d",
            width=115,
        ),
        "status": cc.TextColumn(t("families.col_status"), width="small"),
        "updated": cc.DatetimeColumn(
            t("families.col_updated"),
            help=t("families.col_updated_help"),
            format=t("families.datetime_format"),
            timezone=t("families.timezone"),
            width=125,
        ),
        # A tick, not the word "synthetisch" on every row: the notice above says the rest.
        "synthetic": cc.CheckboxColumn(
            t("families.col_synthetic"), help=t("families.col_synthetic_help"), width=55
        ),
    }


def _table(shown: pd.DataFrame, *, with_status: bool) -> None:
    """The family table; clicking a row selects the family for the panel below."""
    frame = table_frame(shown, with_status=with_status)
    event = st.dataframe(
        frame,
        key="fam_table",
        hide_index=True,
        width="stretch",
        height=(min(len(frame), TABLE_MAX_ROWS) + 1) * ROW_HEIGHT + 3,
        row_height=ROW_HEIGHT,
        column_config=_table_config(),
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = tuple(event.selection.rows) if event is not None else ()
    if rows != st.session_state.get("fam_table_rows"):
        st.session_state["fam_table_rows"] = rows
        if rows and rows[0] < len(shown):
            st.session_state[PICK_KEY] = shown["code"].iloc[rows[0]]
    st.caption(t("families.table_help"))


def _list_tab() -> None:
    """The list a page at a time: counted, filtered and paged in SQL (``family_list``)."""
    total, sozialraeume_in_use = fl_data.scope_summary()
    if total == 0:
        st.info(t("families.empty"), icon=ICON_INFO)
        st.button(
            t("families.empty_button"),
            type="primary",
            icon=ICON_ADD,
            on_click=guard.guarded(_goto_tab),
            args=(t("families.tab_new"),),
            key="fam_empty_new",
        )
        return
    notice = st.container()
    filters = _filters(sozialraeume_in_use)
    flt = fl_data.list_filter(
        search=filters["search"] or "",
        sozialraeume=tuple(filters["sozialraeume"]),
        households=tuple(filters["households"]),
        status=None if filters["status"] == STATUS_ALL else filters["status"],
    )
    matched, synthetic = fl_data.count(flt)
    with notice:  # the banner only over invented families
        ui.synthetic_notice(synthetic > 0, mixed=synthetic < matched)
    key = "families.count_one" if total == 1 else "families.count"
    st.markdown(f"**{t(key, shown=matched, total=total)}**")
    if matched == 0:
        st.info(t("families.no_match"), icon=ICON_NO_MATCH)
        return
    offset = family_pager.offset(flt, matched)
    shown = fl_data.page(flt, limit=family_pager.PAGE_SIZE, offset=offset)
    _table(shown, with_status=filters["status"] != FamilyStatus.AKTIV.value)
    family_pager.pager(matched)
    _selected_family(shown, flt)


# ---------------------------------------------------------------- one family


def _pick_label(shown: pd.DataFrame) -> Callable[[str], str]:
    labels = {
        code: f"{code} · {sozialraum} · {HOUSEHOLD_LABELS.get(household, '')}"
        for code, sozialraum, household in zip(
            shown["code"], shown["sozialraum"], shown["household_type"], strict=True
        )
    }
    return lambda code: labels.get(code, code)


def _selected_family(page_rows: pd.DataFrame, flt: ListFilter) -> None:
    """Pick one family (in the table or the box) and act on it: journey, edit, archive.

    The box offers the families of the page shown, and a family chosen before (on another
    page of the list, or on the journey page) while it still matches the filters.
    """
    st.subheader(t("families.selected_heading"))
    shown = family_pager.with_chosen(page_rows, flt, PICK_KEY)
    codes = list(shown["code"])
    if PICK_KEY in st.session_state and st.session_state[PICK_KEY] not in codes:
        st.session_state[PICK_KEY] = None
    _restore(PICK_KEY, codes)
    if PICK_KEY not in st.session_state and st.session_state.get("family_code") in codes:
        st.session_state[PICK_KEY] = st.session_state["family_code"]
    if st.session_state.get(PICK_KEY) is not None:
        # Hand the browser the current label of the chosen family: after a change of
        # household or Sozialraum (here or in another tab) it would send the old label
        # back on the next click, and the choice would be lost.
        st.session_state[PICK_KEY] = st.session_state[PICK_KEY]
    code = st.selectbox(
        t("families.pick"),
        codes,
        key=PICK_KEY,
        index=None,
        placeholder=t("families.pick_placeholder"),
        format_func=_pick_label(shown),
    )
    _remember(PICK_KEY)
    if code is None:
        st.caption(t("families.pick_hint"))
        return
    family_id = int(shown.loc[shown["code"] == code, "id"].iloc[0])
    try:
        family = storage.get_family(ui.db(), family_id, teams=ui.case_scope().teams)
    except NotFoundError as exc:
        ui.show_errors([str(exc)])
        return
    ui.audit_view(family.code, page=t("nav.families"))
    with st.container(border=True):
        _family_summary(family)
        if family.team != visibility.ARCHETYPE_TEAM:  # invented personas need no consent
            consent_panel(family)
        _family_actions(family)
        _archive_confirmation(family)
    edit = st.session_state.get("fam_edit")
    if edit and (edit["id"] != family.id or edit["prefix"] + "household" not in st.session_state):
        # Another family was picked, or the coach was on another page and Streamlit has
        # forgotten the form's widgets: close the form rather than show it half empty.
        _stop_edit()
    elif edit:
        _edit_form()


def members_frame(members: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Members as rows of the member table (shared by the create and edit forms)."""
    rows = list(members)
    return pd.DataFrame(
        {
            "id": pd.array([_value(r.get("id")) for r in rows], dtype="Int64"),
            "role": pd.Series([_value(r.get("role")) for r in rows], dtype="object"),
            "age_band": pd.Series([_value(r.get("age_band")) for r in rows], dtype="object"),
            "languages": pd.Series(
                [languages_of(r.get("languages")) for r in rows], dtype="object"
            ),
            "needs_interpreter": pd.Series(
                [bool(_value(r.get("needs_interpreter"))) for r in rows], dtype="boolean"
            ),
        },
        columns=list(MEMBER_COLUMNS),
    )


def _member_row(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "role": member.role.value,
        "age_band": member.age_band.value,
        "languages": list(member.languages),
        "needs_interpreter": member.needs_interpreter,
    }


def _family_summary(family: Family) -> None:
    n = len(family.members)
    members = t("families.members_count_one") if n == 1 else t("families.members_count", n=n)
    st.markdown(f"#### {family.code}")
    st.markdown(
        t(
            "families.summary",
            sozialraum=md(family.sozialraum),
            household=family.household_type.label,
            members=members,
            status=family.status.label,
        )
        + (f" · {t('families.summary_team', team=md(family.team))}" if family.team else "")
        + (f" · {t('common.synthetic_badge')}" if family.synthetic else "")
    )
    view = members_frame(_member_row(m) for m in family.members)
    st.dataframe(
        view,
        hide_index=True,
        column_order=["role", "age_band", "languages", "needs_interpreter"],
        column_config=_member_view_config(),
        width="content",
        placeholder=t("common.none"),
    )


def _member_view_config() -> dict[str, Any]:
    """German headings and labels for the read-only member table of the chosen family."""
    cc = st.column_config
    return {
        "role": cc.SelectboxColumn(
            t("families.member_role"),
            options=list(ROLE_LABELS),
            format_func=ui.label_of(ROLE_LABELS),
            width=150,
        ),
        "age_band": cc.SelectboxColumn(
            t("families.member_age"),
            options=list(AGE_LABELS),
            format_func=ui.label_of(AGE_LABELS),
            width=150,
        ),
        "languages": cc.ListColumn(t("families.member_languages"), width=320),
        "needs_interpreter": cc.CheckboxColumn(
            t("families.member_interpreter"),
            help=t("families.member_interpreter_help"),
            width=150,
        ),
    }


def _family_actions(family: Family) -> None:
    row = st.container(horizontal=True)
    if row.button(
        t("families.open_journey"), type="primary", icon=ICON_JOURNEY, key="fam_open_journey"
    ):
        _open_journey(family.code)
    row.button(
        t("families.edit"),
        icon=ICON_EDIT,
        key="fam_edit_start",
        on_click=guard.guarded(_start_edit),
        args=(family,),
    )
    if family.status is FamilyStatus.AKTIV:
        row.button(
            t("families.archive"),
            icon=ICON_ARCHIVE,
            key="fam_archive",
            on_click=guard.guarded(_ask_archive),
            args=(family.id,),
        )
    elif row.button(t("families.restore"), icon=ICON_RESTORE, key="fam_restore"):
        _set_archived(family, archived=False)


def _ask_archive(family_id: int) -> None:
    """Ask before archiving; an open edit form closes so that only one question is open."""
    _stop_edit()
    st.session_state["fam_confirm_archive"] = family_id


def _set_archived(family: Family, *, archived: bool) -> None:
    """Archive or restore, then show the list again with a short confirmation."""
    st.session_state.pop("fam_confirm_archive", None)
    try:
        storage.set_family_archived(
            ui.db(), family.id, archived=archived, teams=ui.case_scope().teams
        )
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    key = "families.archived" if archived else "families.restored"
    ui.flash(t(key, code=family.code))
    st.rerun()


def _archive_confirmation(family: Family) -> None:
    """Archiving asks once more: the family leaves the default list."""
    if st.session_state.get("fam_confirm_archive") != family.id:
        return
    st.warning(t("families.archive_confirm", code=family.code), icon=ICON_ARCHIVE)
    row = st.container(horizontal=True)
    if row.button(
        t("families.archive_yes"), type="primary", icon=ICON_ARCHIVE, key="fam_archive_yes"
    ):
        _set_archived(family, archived=True)
    if row.button(t("families.cancel"), key="fam_archive_no"):
        st.session_state.pop("fam_confirm_archive", None)
        st.rerun()


# ---------------------------------------------------------------- form fields


def _value(value: Any) -> Any:
    """A cell value, or ``None`` for the many ways a table says "empty"."""
    if value is None or isinstance(value, list | tuple | dict):
        return value
    if isinstance(value, str):
        return value.strip() or None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def languages_of(value: Any) -> list[str]:
    """The languages of a table cell as a clean list (trimmed, no empties, no repeats)."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = text.strip("[]").split(",")
        else:
            value = text.split(",")
    try:
        items = list(value)
    except TypeError:
        return []
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def member_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """One table row as input for the ``Member`` model; empty cells are left out so that
    the model reports them as missing ("Angabe fehlt") rather than as a wrong value."""
    member: dict[str, Any] = {
        "languages": languages_of(row.get("languages")),
        "needs_interpreter": bool(_value(row.get("needs_interpreter")) or False),
    }
    for field in ("id", "role", "age_band"):
        value = _value(row.get(field))
        if value is not None:
            member[field] = int(value) if field == "id" else value
    return member


def _member_key(prefix: str, uid: int, field: str) -> str:
    """The widget key of one field of one member row (``uid`` stays while the row lives)."""
    return f"{prefix}m{uid}_{field}"


MEMBER_FIELDS = ("role", "age_band", "languages", "needs_interpreter")


def _new_row(prefix: str, member: Mapping[str, Any]) -> dict[str, Any]:
    """A member row of the form: a stable ``uid`` for its widgets, the stored ``id`` (if
    any) and the field values; the values also go into the widgets' state."""
    uid = st.session_state.get(prefix + "uid", 0) + 1
    st.session_state[prefix + "uid"] = uid
    row = {
        "uid": uid,
        "id": _value(member.get("id")),
        "role": _value(member.get("role")),
        "age_band": _value(member.get("age_band")),
        "languages": languages_of(member.get("languages")),
        "needs_interpreter": bool(_value(member.get("needs_interpreter")) or False),
    }
    for field in MEMBER_FIELDS:
        st.session_state[_member_key(prefix, uid, field)] = row[field]
    return row


def _set_rows(prefix: str, members: Iterable[Mapping[str, Any]]) -> None:
    """Fill the member rows of a form (a new form, or the family opened for editing)."""
    st.session_state[prefix + "rows"] = [_new_row(prefix, m) for m in members]


def _add_member(prefix: str, role: str) -> None:
    """Append a member with ``role`` to the form, keeping the entries made so far."""
    rows = st.session_state.setdefault(prefix + "rows", [])
    rows.append(_new_row(prefix, {"role": role, "languages": []}))


def _remove_member(prefix: str, uid: int) -> None:
    """Take a member out of the form; storage refuses it on save if barriers name them."""
    rows = st.session_state.get(prefix + "rows", [])
    st.session_state[prefix + "rows"] = [row for row in rows if row["uid"] != uid]
    for field in MEMBER_FIELDS:
        st.session_state.pop(_member_key(prefix, uid, field), None)


def _member_fields(prefix: str, row: dict[str, Any], number: int, languages: list[str]) -> None:
    """One member as ordinary form fields; the row keeps a copy of every value, so the
    entries come back after a visit to another page (Streamlit forgets widget state)."""
    uid = row["uid"]
    keys = {field: _member_key(prefix, uid, field) for field in MEMBER_FIELDS}
    for field, key in keys.items():
        if key not in st.session_state:
            st.session_state[key] = row[field]
    with st.container(border=True, key=f"{prefix}member_{uid}"):
        role_col, age_col, lang_col, interp_col, remove_col = st.columns(
            [2, 2, 3.3, 2.4, 1.7], vertical_alignment="bottom"
        )
        role_col.selectbox(
            t("families.member_role_n", n=number),
            list(ROLE_LABELS),
            key=keys["role"],
            index=None,
            placeholder=t("families.member_placeholder"),
            format_func=ui.label_of(ROLE_LABELS),
        )
        age_col.selectbox(
            t("families.member_age"),
            list(AGE_LABELS),
            key=keys["age_band"],
            index=None,
            placeholder=t("families.member_placeholder"),
            format_func=ui.label_of(AGE_LABELS),
        )
        lang_col.multiselect(
            t("families.member_languages"),
            languages,
            key=keys["languages"],
            accept_new_options=True,
            placeholder=t("families.member_languages_placeholder"),
            help=t("families.member_languages_help"),
        )
        interp_col.checkbox(
            t("families.member_interpreter"),
            key=keys["needs_interpreter"],
            help=t("families.member_interpreter_help"),
        )
        remove_col.button(
            t("families.member_remove"),
            key=_member_key(prefix, uid, "remove"),
            icon=ICON_REMOVE,
            help=t("families.member_remove_help"),
            on_click=guard.guarded(_remove_member),
            args=(prefix, uid),
        )
    for field, key in keys.items():
        row[field] = st.session_state.get(key)


def _members_editor(prefix: str) -> list[dict[str, Any]]:
    """The members: quick buttons per role, then one row of German form fields per person.

    Returns the input for the ``Member`` models; stored members keep their ids.
    """
    st.markdown(f"**{t('families.members_heading')}**")
    st.caption(t("families.members_hint"))
    rows: list[dict[str, Any]] = st.session_state.setdefault(prefix + "rows", [])
    in_use = [lang for row in rows for lang in languages_of(row.get("languages"))]
    languages = common_languages(in_use)
    if not rows:
        st.caption(t("families.members_empty"))
    for number, row in enumerate(rows, start=1):
        _member_fields(prefix, row, number, languages)
    buttons = st.container(horizontal=True)
    for role, label in ROLE_LABELS.items():
        buttons.button(
            t("families.add_role", role=label),
            key=f"{prefix}add_{role}",
            on_click=guard.guarded(_add_member),
            args=(prefix, role),
        )
    return [member_payload(row) for row in rows]


def _family_fields(prefix: str, *, current_sozialraum: str | None = None) -> dict[str, Any]:
    """Sozialraum, household type, team and members: the fields create and edit share.

    Returns the input for the ``Family`` model, empty answers left out (reported as missing).
    """
    # A name typed in a moment ago (or the family's own) stays among the options.
    typed = st.session_state.get(prefix + "sozialraum")
    extra = [name for name in (current_sozialraum, typed) if isinstance(name, str) and name]
    options = list(dict.fromkeys([*ui.sozialraeume(), *extra]))
    left, middle, right = st.columns(3)
    sozialraum = left.selectbox(
        t("families.sozialraum"),
        options,
        key=prefix + "sozialraum",
        index=None,
        placeholder=t("families.sozialraum_placeholder"),
        accept_new_options=True,
        help=t("families.sozialraum_help"),
    )
    household = middle.selectbox(
        t("families.household"),
        list(HOUSEHOLD_LABELS),
        key=prefix + "household",
        index=None,
        placeholder=t("families.household_placeholder"),
        format_func=ui.label_of(HOUSEHOLD_LABELS),
    )
    team = _team_input(right, prefix)
    payload: dict[str, Any] = {
        "sozialraum": (sozialraum or "").strip() or None,
        "household_type": household,
        "team": team or "",
        "members": _members_editor(prefix),
    }
    return {key: value for key, value in payload.items() if value is not None}


def _team_input(column: Any, prefix: str) -> str:
    """The family's team: one of the coach's own real, active teams (``pages/team_choice.py``).

    A coach sees only their teams' families (``journeys.visibility``), so a family filed
    under any other team would vanish from their list; the storage refuses it anyway.
    """
    return team_choice.team_input(column, prefix, visibility.own_teams(user))


def free_texts(payload: dict[str, Any]) -> dict[str, str]:
    """What the coach may have typed freely (a new Sozialraum, new languages), by field
    label: checked for personal data before saving (``pii_guard``). The team is picked
    from a list."""
    languages = [lang for m in payload.get("members", []) for lang in m.get("languages") or []]
    return {
        t("families.sozialraum"): str(payload.get("sozialraum") or ""),
        t("families.member_languages"): ", ".join(str(lang) for lang in languages),
    }


def _forget(prefix: str) -> None:
    """Drop the non-widget state of a finished form (widgets clean up after themselves)."""
    for row in st.session_state.get(prefix + "rows", []):
        for field in MEMBER_FIELDS:
            st.session_state.pop(_member_key(prefix, row["uid"], field), None)
    for suffix in ("rows", "uid", "code"):
        st.session_state.pop(prefix + suffix, None)


# ---------------------------------------------------------------- create


def _reroll(prefix: str) -> None:
    st.session_state[prefix + "code"] = new_case_code()


def _after_create() -> None:
    st.session_state.pop("fam_created", None)


def _create_tab() -> None:
    created = st.session_state.get("fam_created")
    if created:
        st.success(t("families.created", code=created), icon=ICON_DONE)
        st.write(t("families.created_next"))
        row = st.container(horizontal=True)
        if row.button(
            t("families.open_new_journey", code=created),
            type="primary",
            icon=ICON_JOURNEY,
            key="fam_created_open",
        ):
            st.session_state.pop("fam_created", None)
            _open_journey(created)
        row.button(
            t("families.another"),
            icon=ICON_ADD,
            key="fam_created_another",
            on_click=guard.guarded(_after_create),
        )
        return
    rev = st.session_state.setdefault("fam_new_rev", 0)
    prefix = f"fam_new{rev}_"
    code = st.session_state.setdefault(prefix + "code", new_case_code())
    st.warning(t("families.privacy"), icon=ICON_LOCK)
    code_row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    code_row.metric(t("families.code_label"), code, width="content")
    code_row.button(
        t("families.code_reroll"),
        icon=ICON_DICE,
        key=prefix + "reroll",
        on_click=guard.guarded(_reroll),
        args=(prefix,),
    )
    st.caption(t("families.code_why"))
    payload = _family_fields(prefix)
    create = st.button(t("families.create"), type="primary", icon=ICON_DONE, key=prefix + "create")
    if pii_guard.guard_submit(free_texts(payload), prefix + "pii", create):
        family = ui.attempt(lambda: Family.model_validate({**payload, "code": code}))
        saved = family and ui.attempt(
            lambda: storage.save_family(ui.db(), family, teams=ui.case_scope().teams)
        )
        if saved:
            st.session_state["fam_created"] = saved.code
            st.session_state["fam_new_rev"] = rev + 1
            _forget(prefix)
            st.rerun()


# ---------------------------------------------------------------- edit


def _start_edit(family: Family) -> None:
    """Open the edit form with the family as it is now; remember the version read."""
    old = st.session_state.get("fam_edit")
    if old:
        _forget(old["prefix"])
    rev = st.session_state.get("fam_edit_rev", 0) + 1
    prefix = f"fam_edit{rev}_"
    st.session_state["fam_edit_rev"] = rev
    st.session_state["fam_edit"] = {
        "id": family.id,
        "prefix": prefix,
        "snapshot": family.model_dump(mode="json"),
        "conflict": False,
    }
    st.session_state[prefix + "sozialraum"] = family.sozialraum
    st.session_state[prefix + "household"] = family.household_type.value
    st.session_state[prefix + "team"] = family.team
    _set_rows(prefix, [_member_row(m) for m in family.members])
    st.session_state.pop("fam_confirm_archive", None)


def _reload_edit(family_id: int) -> None:
    try:
        _start_edit(storage.get_family(ui.db(), family_id, teams=ui.case_scope().teams))
    except NotFoundError:
        _stop_edit()


def _stop_edit() -> None:
    edit = st.session_state.pop("fam_edit", None)
    if edit:
        _forget(edit["prefix"])


def _edit_form() -> None:
    """Change Sozialraum, household, team and members; a concurrent save is refused."""
    edit = st.session_state["fam_edit"]
    snapshot = Family.model_validate(edit["snapshot"])
    prefix = edit["prefix"]
    with st.container(border=True):
        st.markdown(f"#### {t('families.edit_heading', code=snapshot.code)}")
        st.warning(t("families.privacy"), icon=ICON_LOCK)
        payload = _family_fields(prefix, current_sozialraum=snapshot.sozialraum)
        row = st.container(horizontal=True)
        save = row.button(t("families.save"), type="primary", key=prefix + "save")
        row.button(t("families.cancel"), key=prefix + "cancel", on_click=guard.guarded(_stop_edit))
        keep = snapshot.model_dump(include={"id", "code", "status", "synthetic", "version"})
        force = bool(edit.get("force"))  # "Meinen Text trotzdem speichern" after a conflict
        if force:
            st.session_state["fam_edit"] = edit = {**edit, "force": False}
        if pii_guard.guard_submit(free_texts(payload), prefix + "pii", save or force):
            _save_edit(edit, payload, keep)
        if edit.get("conflict"):
            _edit_conflict(edit, payload, keep)


def _save_edit(edit: dict[str, Any], payload: dict[str, Any], keep: dict[str, Any]) -> None:
    """Save the form; a save someone else made meanwhile turns the form into a conflict."""
    family = ui.attempt(lambda: Family.model_validate({**payload, **keep}))
    if family is None:
        return
    try:
        saved = storage.save_family(ui.db(), family, teams=ui.case_scope().teams)
    except ConflictError as exc:
        st.session_state["fam_edit"] = {**edit, "conflict": True}
        edit["conflict"] = True
        ui.show_errors([str(exc)])
        return
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    ui.flash(t("families.saved", code=saved.code))
    _stop_edit()
    st.rerun()


def _family_values(family: Family) -> dict[str, str]:
    """The fields of the edit form as the coach reads them, for the side-by-side view."""
    return {
        "sozialraum": family.sozialraum,
        "household_type": family.household_type.label,
        "team": family.team,
        "members": ", ".join(m.label for m in family.members),
    }


def _edit_conflict(edit: dict[str, Any], payload: dict[str, Any], keep: dict[str, Any]) -> None:
    """The stored family beside the form's input: reload it, or save the input on top.

    The version shown here is remembered, so "Meinen Text trotzdem speichern" overwrites
    exactly what the user saw; a third save in between is a new conflict.
    """
    try:
        stored = storage.get_family(ui.db(), edit["id"], teams=ui.case_scope().teams)
    except NotFoundError:
        st.warning(t("concurrency.gone"))
        return
    try:
        mine: Family | None = Family.model_validate({**payload, **keep})
    except ValidationError:
        mine = None
    theirs = _family_values(stored)
    own = _family_values(mine) if mine is not None else {}
    differences = [
        (t(f"fields.{field}"), value, own[field])
        for field, value in theirs.items()
        if field in own and own[field] != value
    ]
    jx.conflict_panel(
        differences,
        key=edit["prefix"] + "conflict",
        on_reload=_reload_edit,
        reload_args=(edit["id"],),
        on_keep=_keep_edit,
        keep_args=(stored.version,),
    )


def _keep_edit(version: int) -> None:
    """Save the form's input on top of the stored version the user was shown."""
    edit = st.session_state.get("fam_edit")
    if not edit:
        return
    snapshot = {**edit["snapshot"], "version": version}
    st.session_state["fam_edit"] = {**edit, "snapshot": snapshot, "conflict": False, "force": True}


# ---------------------------------------------------------------- page


def main() -> None:
    ui.show_flash()
    st.title(t("families.title"))
    st.caption(t("families.intro"))
    if not visibility.own_teams(user):  # a coach sees their own teams' families only
        st.info(t("guard.no_teams"), icon=ICON_LOCK)
    list_tab, new_tab = st.tabs(
        [t("families.tab_list"), t("families.tab_new")], key=TAB_KEY, on_change="rerun"
    )
    with list_tab:
        _list_tab()  # workshop personas are no households: never in this list
    with new_tab:
        _create_tab()


main()
