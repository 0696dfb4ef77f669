"""Einstellungen, tab Sozialräume: the profile figures of every Sozialraum (inhabitants,
under 65, SGB II recipients, SGB II quota, each with year and source) entered by hand,
and below them the table import and the outlines for the map (``settings_sozialraum_files``).

Numbers are typed and shown as Germans write them (15.921, 28,9); every problem is said
naming the field, and a refused save stores nothing.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from journeys import formats, storage
from journeys.errors import german_reason
from journeys.exchange.profile_csv import parse_count, parse_decimal, parse_year
from journeys.i18n import t
from journeys.models.sozialraum import FIGURES, SozialraumProfile
from pages.settings_parts.settings_common import _form_id, _md, _reset_form
from pages.settings_parts.settings_sozialraum_files import guarded, profile_files, shapes_section
from pages.shared import ui

WHOLE = "__gesamt__"
COUNTS = ("inhabitants", "under_65", "recipients")


def sozialraeume_tab() -> None:
    """Profiles as a table, the form of one, the table import and the outlines."""
    st.caption(t("sozialraum.tab.intro"))
    profiles = storage.sozialraum_profiles.list_profiles(ui.db())
    st.header(t("sozialraum.tab.profiles_heading"))
    _profiles_table(profiles)
    _profile_editor(profiles)
    profile_files(profiles)
    st.header(t("sozialraum.tab.shapes_heading"))
    shapes_section()


def figure_text(profile: SozialraumProfile, figure: str) -> str:
    """One figure as Germans write it ("15.921", "28,9"), "" when not entered."""
    value = getattr(profile, figure)
    if value is None:
        return ""
    if figure == "quota":
        return formats.number(value, decimals=2).rstrip("0").rstrip(",")
    return formats.number(value)


def _profiles_table(profiles: list[SozialraumProfile]) -> None:
    if not profiles:
        st.info(t("sozialraum.tab.no_profiles"))
        return
    frame = pd.DataFrame(
        {
            "sozialraum": [p.sozialraum for p in profiles],
            **{f: [figure_text(p, f) for p in profiles] for f in FIGURES},
            "years": [_distinct(p, "year") for p in profiles],
            "sources": [_distinct(p, "source") for p in profiles],
            "note": [_note(p) for p in profiles],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "sozialraum": st.column_config.TextColumn(t("sozialraum.field.sozialraum")),
            **{f: st.column_config.TextColumn(t(f"sozialraum.field.{f}")) for f in FIGURES},
            "years": st.column_config.TextColumn(t("sozialraum.tab.years")),
            "sources": st.column_config.TextColumn(t("sozialraum.tab.sources")),
            "note": st.column_config.TextColumn(t("sozialraum.tab.note")),
        },
    )
    if any(p.synthetic for p in profiles):
        st.caption(t("sozialraum.tab.synthetic_notice"))


def _distinct(profile: SozialraumProfile, what: str) -> str:
    values = []
    for figure in FIGURES:
        value = getattr(profile, f"{figure}_{what}")
        if getattr(profile, figure) is not None and value not in (None, "") and value not in values:
            values.append(value)
    return ", ".join(str(v) for v in values)


def _note(profile: SozialraumProfile) -> str:
    notes = []
    if profile.whole_area:
        notes.append(t("sozialraum.tab.whole_area_note"))
    if profile.synthetic:
        notes.append(t("sozialraum.tab.synthetic_note"))
    return ", ".join(notes)


def _profile_editor(profiles: list[SozialraumProfile]) -> None:
    """Choose a Sozialraum (or the comparison of the whole area), then edit its figures."""
    by_name = {p.sozialraum: p for p in profiles}
    whole = next((p for p in profiles if p.whole_area), None)
    options = [*ui.sozialraeume(), WHOLE]
    pending = st.session_state.pop("set_soz_pick__next", None)
    if pending in options:
        st.session_state["set_soz_pick"] = pending
    choice = st.selectbox(
        t("sozialraum.tab.pick"),
        options,
        format_func=lambda o: (
            t("sozialraum.tab.whole_option", name=whole.sozialraum)
            if o == WHOLE and whole
            else t("sozialraum.tab.whole_new")
            if o == WHOLE
            else o
        ),
        key="set_soz_pick",
    )
    current = whole if choice == WHOLE else by_name.get(choice)
    _profile_form(choice, current)
    if current is not None and st.button(
        t("sozialraum.tab.delete", name=_md(current.sozialraum)),
        key="set_soz_delete",
        icon=":material/delete:",
    ):
        name = current.sozialraum
        if guarded(
            lambda: storage.sozialraum_profiles.delete_profile(ui.db(), name),
            t("sozialraum.tab.deleted", name=_md(name)),
        ):
            st.rerun()


def _profile_form(choice: str, current: SozialraumProfile | None) -> None:
    whole = choice == WHOLE
    form = _form_id(f"set_soz_{'whole' if whole else choice}")
    heading = (
        t("sozialraum.tab.whole_heading")
        if whole
        else t("sozialraum.tab.form_heading", name=_md(choice))
    )
    with st.form(f"{form}_form"):
        st.markdown(f"**{heading}**")
        name = choice
        if whole:
            name = st.text_input(
                t("sozialraum.tab.whole_name"),
                value=current.sozialraum if current else "",
                max_chars=120,
                placeholder=t("sozialraum.tab.whole_placeholder"),
                help=t("sozialraum.tab.whole_help"),
                key=f"{form}_name",
            )
        typed: dict[str, str] = {}
        for figure in FIGURES:
            value, year, source = st.columns([2, 1, 3])
            label = t(f"sozialraum.field.{figure}")
            typed[figure] = value.text_input(
                label,
                value=figure_text(current, figure) if current else "",
                placeholder=t(f"sozialraum.tab.placeholder_{figure}"),
                help=t(f"sozialraum.tab.help_{figure}"),
                key=f"{form}_{figure}",
            )
            year_value = getattr(current, f"{figure}_year") if current else None
            typed[f"{figure}_year"] = year.text_input(
                t("sozialraum.tab.year_of", field=label),
                value="" if year_value is None else str(year_value),
                max_chars=10,
                placeholder=t("sozialraum.tab.placeholder_year"),
                key=f"{form}_{figure}_year",
            )
            typed[f"{figure}_source"] = source.text_input(
                t("sozialraum.tab.source_of", field=label),
                value=getattr(current, f"{figure}_source") if current else "",
                max_chars=200,
                placeholder=t("sozialraum.tab.placeholder_source"),
                key=f"{form}_{figure}_source",
            )
        submitted = st.form_submit_button(t("common.save"), type="primary", key=f"{form}_submit")
    if not submitted:
        return
    profile, problems = _read_form(name, typed, whole=whole)
    if problems:
        ui.show_errors([_md(problem) for problem in problems])
        return
    if current is not None and profile == current.model_copy(update={"synthetic": False}):
        profile = current  # saved unchanged: demo figures stay marked as synthetic
    replacing = current.sozialraum if current is not None else None
    if guarded(
        lambda: storage.sozialraum_profiles.save_profile(ui.db(), profile, replacing=replacing),
        t("sozialraum.tab.saved", name=_md(profile.sozialraum)),
    ):
        _reset_form(f"set_soz_{'whole' if whole else choice}")
        st.rerun()


def _read_form(
    name: str, typed: dict[str, str], *, whole: bool
) -> tuple[SozialraumProfile | None, list[str]]:
    """The profile the form describes, or the problems, each naming its field."""
    problems: list[str] = []
    values: dict[str, object] = {"sozialraum": (name or "").strip(), "whole_area": whole}
    if not values["sozialraum"]:
        problems.append(
            t("sozialraum.tab.whole_name_missing", field=t("sozialraum.tab.whole_name"))
        )
    for figure in FIGURES:
        label = t(f"sozialraum.field.{figure}")
        parse = parse_decimal if figure == "quota" else parse_count
        for field, reader, shown in (
            (figure, parse, label),
            (f"{figure}_year", parse_year, t("sozialraum.tab.year_of", field=label)),
        ):
            text = typed[field].strip()
            if not text:
                continue
            try:
                values[field] = reader(text)
            except ValueError as exc:
                problems.append(f"{shown}: {exc}")
        values[f"{figure}_source"] = typed[f"{figure}_source"]
    if problems:
        return None, problems
    try:
        return SozialraumProfile.model_validate(values), []
    except ValidationError as exc:
        return None, [line for e in exc.errors() for line in german_reason(e).splitlines()]
