"""The Bericht's form: the head of the Berichtsvorlage, period, Sozialräume, contents and
the threshold k; a checked spec becomes the preview's (split from ``pages/report.py``)."""

from __future__ import annotations

from datetime import date

import streamlit as st
from pydantic import ValidationError

from barriers.report import (
    ReportBlock,
    ReportHeader,
    ReportSpec,
)
from barriers.report.formats.markdown import escape
from journeys import formats
from journeys.errors import ZugangsatlasError, field_label, german_reason
from journeys.i18n import has, t
from pages.shared import data_cache

KEY = "report_"
SPEC_KEY = KEY + "spec"  # the spec (JSON) of the preview on screen
ERRORS_KEY = KEY + "errors"
DEFAULT_K = ReportSpec.model_fields["k"].default
BLOCK_COLUMNS = 3


def months_of_steps() -> list[str]:
    """Every month from the first to the last recorded step ("YYYY-MM")."""
    first, last = data_cache.month_range()
    if not first or not last:
        return []
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_label(month: str) -> str:
    """ "2025-03" as "März 2025"."""
    return formats.month_label(month)


def messages(exc: ValidationError) -> list[str]:
    """German problems of the form, named by the labels the lead sees on the page."""
    out: list[str] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        field = str(loc[-1]) if loc else ""
        if field == "betreff" and error["type"] == "string_too_short":
            out.append(t("report.errors.betreff_missing"))
        elif field and has(f"report_page.field.{field}"):
            out.append(f"{t(f'report_page.field.{field}')}: {german_reason(error)}")
        elif loc:
            out.append(f"{field_label(loc)}: {german_reason(error)}")
        else:
            out.append(german_reason(error))
    return out


def show_errors(messages: list[str]) -> None:
    st.error(t("report_page.errors_heading") + "\n\n" + "\n".join(f"- {m}" for m in messages))


# ---------------------------------------------------------------- the form


def _header_fields() -> dict[str, object]:
    """The head of the Vorlage as the council's template has it."""
    defaults = ReportHeader.model_fields
    st.header(t("report_page.form.header"))
    left, middle, right = st.columns([1, 1, 2])
    vorlage_nr = left.text_input(
        t("report_page.form.vorlage_nr"),
        max_chars=60,
        placeholder="202/2026",
        help=t("report_page.form.vorlage_nr_help"),
        key=KEY + "vorlage_nr",
    )
    oeffentlich = middle.radio(
        t("report_page.form.status"),
        [True, False],
        format_func=lambda v: t(
            "report.header.oeffentlich" if v else "report.header.nichtoeffentlich"
        ),
        horizontal=True,
        key=KEY + "oeffentlich",
    )
    amt = right.text_input(
        t("report_page.form.federfuehrendes_amt"),
        value=defaults["federfuehrendes_amt"].default,
        max_chars=200,
        key=KEY + "amt",
    )
    betreff = st.text_input(
        t("report_page.form.betreff"),
        value=t("report_page.default_betreff"),
        max_chars=300,
        key=KEY + "betreff",
    )
    left, middle, right = st.columns([2, 1, 2])
    gremium = left.text_input(
        t("report_page.form.gremium"),
        value=defaults["gremium"].default,
        max_chars=200,
        key=KEY + "gremium",
    )
    sitzungsdatum = middle.date_input(
        t("report_page.form.sitzungsdatum"),
        value=None,
        format="DD.MM.YYYY",
        help=t("report_page.form.sitzungsdatum_help"),
        key=KEY + "sitzungsdatum",
    )
    berichterstattung = right.text_input(
        t("report_page.form.berichterstattung"),
        max_chars=200,
        help=t("report_page.form.berichterstattung_help"),
        key=KEY + "berichterstattung",
    )
    beschluss = st.text_area(
        t("report_page.form.beschlussvorschlag"),
        value=defaults["beschlussvorschlag"].default,
        max_chars=1000,
        height=80,
        key=KEY + "beschluss",
    )
    erlaeuterungen = st.text_area(
        t("report_page.form.erlaeuterungen"),
        max_chars=10_000,
        height=160,
        help=t("report_page.form.erlaeuterungen_help"),
        key=KEY + "erlaeuterungen",
    )
    return {
        "vorlage_nr": vorlage_nr,
        "oeffentlich": oeffentlich,
        "federfuehrendes_amt": amt,
        "betreff": betreff,
        "gremium": gremium,
        "sitzungsdatum": sitzungsdatum if isinstance(sitzungsdatum, date) else None,
        "berichterstattung": berichterstattung,
        "beschlussvorschlag": beschluss,
        "erlaeuterungen": erlaeuterungen,
    }


def _selection_fields(months: list[str], sozialraeume: list[str]) -> dict[str, object]:
    """Period, Sozialräume, contents, threshold k."""
    st.header(t("report_page.form.selection"))
    left, right, places = st.columns([1, 1, 2])
    month_from = left.selectbox(
        t("report_page.form.month_from"),
        months,
        index=0,
        format_func=_month_label,
        key=KEY + "month_from",
    )
    month_to = right.selectbox(
        t("report_page.form.month_to"),
        months,
        index=len(months) - 1,
        format_func=_month_label,
        key=KEY + "month_to",
    )
    chosen = places.multiselect(
        t("report_page.form.sozialraeume"),
        sozialraeume,
        placeholder=t("report_page.form.sozialraeume_placeholder"),
        key=KEY + "sozialraeume",
    )
    st.markdown(f"**{escape(t('report_page.form.blocks'))}**")
    columns = st.columns(BLOCK_COLUMNS)
    blocks = [
        block
        for index, block in enumerate(ReportBlock)
        if columns[index % BLOCK_COLUMNS].checkbox(
            block.label, value=True, key=f"{KEY}block_{block.value}"
        )
    ]
    left, right = st.columns([1, 3])
    k = left.number_input(
        t("report_page.form.k"),
        min_value=3,
        value=DEFAULT_K,
        step=1,
        key=KEY + "k",
    )
    right.caption(t("report_page.form.k_caption"))
    by_sozialraum = right.checkbox(
        t("report_page.form.by_sozialraum"),
        help=t("report_page.form.by_sozialraum_help"),
        key=KEY + "by_sozialraum",
    )
    return {
        "month_from": month_from,
        "month_to": month_to,
        "sozialraeume": tuple(chosen),
        "blocks": tuple(blocks),
        "k": int(k),
        "by_sozialraum": by_sozialraum,
    }


def show_form(months: list[str], sozialraeume: list[str]) -> None:
    """The form; on "Vorschau erstellen" the checked spec becomes the preview's spec."""
    with st.form(KEY + "form", enter_to_submit=False):
        header = _header_fields()
        selection = _selection_fields(months, sozialraeume)
        submitted = st.form_submit_button(
            t("report_page.form.submit"), type="primary", icon=":material/preview:"
        )
    if not submitted:
        return
    try:
        spec = ReportSpec(header=ReportHeader(**header), **selection)  # type: ignore[arg-type]
    except ValidationError as exc:
        st.session_state[ERRORS_KEY] = messages(exc)
    except ZugangsatlasError as exc:  # DisclosureError: k below the minimum
        st.session_state[ERRORS_KEY] = [str(exc)]
    else:
        st.session_state[SPEC_KEY] = spec.model_dump_json()
        st.session_state.pop(ERRORS_KEY, None)
        return
    # A refused form leaves no preview behind that no longer matches the form.
    st.session_state.pop(SPEC_KEY, None)
