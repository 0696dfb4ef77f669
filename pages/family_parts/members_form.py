"""The members of a family: the table shown, and the rows of the create and edit forms."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from journeys.i18n import t
from journeys.models import (
    Member,
)
from pages.family_parts.family_common import (
    AGE_LABELS,
    ICON_REMOVE,
    MEMBER_COLUMNS,
    ROLE_LABELS,
    common_languages,
)
from pages.session import guard
from pages.shared import ui


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


def member_row(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "role": member.role.value,
        "age_band": member.age_band.value,
        "languages": list(member.languages),
        "needs_interpreter": member.needs_interpreter,
    }


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


def set_rows(prefix: str, members: Iterable[Mapping[str, Any]]) -> None:
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


def members_editor(prefix: str) -> list[dict[str, Any]]:
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


def forget(prefix: str) -> None:
    """Drop the non-widget state of a finished form (widgets clean up after themselves)."""
    for row in st.session_state.get(prefix + "rows", []):
        for field in MEMBER_FIELDS:
            st.session_state.pop(_member_key(prefix, row["uid"], field), None)
    for suffix in ("rows", "uid", "code"):
        st.session_state.pop(prefix + suffix, None)


# ---------------------------------------------------------------- create
