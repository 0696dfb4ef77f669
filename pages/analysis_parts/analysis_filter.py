"""The filter of the Auswertung: one row of compact buttons at the top of the page.

Each button names its filter and what is chosen ("Sozialraum: Ennigerloh", "Phase: alle")
and opens the control in a popover; an active filter is a highlighted button. The row
wraps on a phone and stays above the results at 1280×720. Below it, the active filter in
words, the same sentence that every exported file carries (``ActiveFilter.description``).
Widget keys and values are those of the former sidebar filter, so every filter behaves as
before and "Filter zurücksetzen" clears exactly these keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from barriers.analysis import AnalysisFilter
from journeys.i18n import t
from journeys.models import HouseholdType, JourneyKind, Role, TagStatus
from pages.analysis_parts.analysis_widgets import KEY_PREFIX, drop_stale, german_month
from pages.session import guard
from pages.shared import data_cache, ui, widgets

# Widget keys of the filter, so that "Filter zurücksetzen" can clear exactly these.
FILTER_KEYS = tuple(
    KEY_PREFIX + name
    for name in (
        "soz", "months", "stages", "services", "household", "roles", "categories",
        "statuses", "kind", "archived",
    )
)  # fmt: skip
RESET_KEY = KEY_PREFIX + "filter_reset"
# A chosen value longer than this is shortened on its button (the sentence has it whole).
BUTTON_VALUE_CHARS = 28


@dataclass(frozen=True)
class ActiveFilter:
    """The filter and what it restricts, in German words."""

    flt: AnalysisFilter
    parts: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """Above the results: "Gefiltert nach: …" or "Kein Filter: alle Familien."."""
        if not self.parts:
            return t("analysis.filter.none_active")
        return t("analysis.filter.active", parts=" · ".join(self.parts))

    @property
    def description(self) -> str:
        """For exported files: the journey kind always, then every restriction."""
        kind = self.flt.journey_kind.label
        rest = [p for p in self.parts if p != kind]
        if not rest:
            return t("analysis_filter.description_all", kind=kind)
        return t("analysis_filter.description", kind=kind, parts=" · ".join(rest))


def _reset_filter() -> None:
    """Every filter back to its default: set, not removed, because the widgets are bound to
    the address and a removed value would be read from it again."""
    months = _month_options()
    defaults: dict[str, Any] = {
        KEY_PREFIX + "kind": JourneyKind.IST,
        KEY_PREFIX + "archived": True,
        KEY_PREFIX + "months": (months[0], months[-1]) if len(months) >= 2 else None,
    }
    for key in FILTER_KEYS:
        default = defaults.get(key, [])
        if default is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = default


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_VALUE_CHARS else text[: BUTTON_VALUE_CHARS - 1] + "…"


def _button(label: str, value: str, active: bool) -> dict[str, Any]:
    """Label and look of a filter's button: its name and its value, highlighted if active."""
    text = t("analysis_filter.button", label=label, value=widgets.md(_short(value)))
    return {"label": text, "type": "primary" if active else "secondary"}


def _chosen_text(chosen: list[str]) -> str:
    if not chosen:
        return t("analysis_filter.all")
    return chosen[0] if len(chosen) == 1 else t("analysis_filter.chosen", n=len(chosen))


class _Bar:
    """The row of filter buttons; collects the active restrictions in words."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.placeholder = t("analysis.filter.placeholder")

    def multi(
        self, label: str, options: list[Any], key: str, fmt: Callable[[Any], str], **kw: Any
    ) -> tuple:
        full = KEY_PREFIX + key
        drop_stale(full, options, many=True)
        before = [fmt(v) for v in _current(full, options, fmt)]
        with st.popover(**_button(label, _chosen_text(before), bool(before))):
            chosen = st.multiselect(
                label,
                options,
                key=full,
                format_func=fmt,
                placeholder=self.placeholder,
                bind="query-params",
                **kw,
            )
        if chosen:
            self.parts.append(f"{label}: {', '.join(fmt(c) for c in chosen)}")
        return tuple(chosen)

    def kind(self) -> JourneyKind:
        label = t("analysis.filter.kind")
        found = _current(KEY_PREFIX + "kind", list(JourneyKind), _label, many=False)
        current = JourneyKind(found[0] if found else JourneyKind.IST)
        with st.popover(**_button(label, current.label, current is not JourneyKind.IST)):
            kind = st.radio(
                label,
                list(JourneyKind),
                format_func=lambda k: k.label,
                horizontal=True,
                key=KEY_PREFIX + "kind",
                bind="query-params",
            )
        if kind is not JourneyKind.IST:
            self.parts.append(kind.label)
        return kind

    def period(self) -> tuple[str | None, str | None]:
        """A month range slider; the full range means "no restriction" (same cache key)."""
        months = _month_options()
        key = KEY_PREFIX + "months"
        if len(months) < 2:
            return None, None
        drop_stale(key, months, many=True)
        label = t("analysis.filter.period")
        lo, hi = _current(key, months, german_month) or (months[0], months[-1])
        whole = (lo, hi) == (months[0], months[-1])
        value = (
            t("analysis_filter.period_all") if whole else f"{german_month(lo)}–{german_month(hi)}"
        )
        with st.popover(**_button(t("analysis_filter.period_short"), value, not whole)):
            lo, hi = st.select_slider(
                label,
                options=months,
                value=(months[0], months[-1]),
                format_func=german_month,
                key=key,
                bind="query-params",
            )
        if (lo, hi) == (months[0], months[-1]):
            return None, None
        self.parts.append(f"{label}: {german_month(lo)}–{german_month(hi)}")
        return lo, hi

    def archived(self) -> bool:
        label = t("analysis.filter.archived")
        key = KEY_PREFIX + "archived"
        current = st.session_state.get(key, st.query_params.get(key, "true") != "false")
        value = t("analysis_filter.archived_in" if current else "analysis_filter.archived_out")
        with st.popover(**_button(t("analysis_filter.archived_short"), value, not current)):
            archived = st.checkbox(
                label, value=True, key=KEY_PREFIX + "archived", bind="query-params"
            )
        if not archived:
            self.parts.append(label + ": " + t("common.no"))
        return archived


def _current(key: str, options: list[Any], fmt: Callable[[Any], str], many: bool = True) -> list:
    """The values of a filter widget before it is drawn this run (its button says them).

    From the session, or on the first run after a reload or an opened link from the
    address, which holds the options' labels (the widgets are bound to the address: a
    reload keeps the filter, a copied address shows colleagues the same figures).
    """
    if key in st.session_state:
        value = st.session_state[key]
        return list(value) if isinstance(value, list | tuple) else [value]
    by_label = {fmt(option): option for option in options}
    return [by_label[text] for text in st.query_params.get_all(key) if text in by_label]


def _month_options() -> list[str]:
    """Every month from the first to the last step in the database."""
    first, last = data_cache.month_range()  # cached by the data version
    if not first or not last:
        return []
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _label(value: Any) -> str:
    return value.label


def filter_bar() -> ActiveFilter:
    """The filter of the whole page, as a row of buttons at its top; then the sentence."""
    bar = _Bar()
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.markdown(
            f"**{t('analysis.filter.heading')}**",
            help=t("analysis.filter.caption"),
            width="content",
        )
        kind = bar.kind()
        soz = bar.multi(t("analysis.filter.sozialraum"), ui.sozialraeume(), "soz", str)
        month_from, month_to = bar.period()
        stage_labels = {s.key: s.label for s in ui.stages(include_retired=True)}
        stages = bar.multi(
            t("analysis.filter.stages"), list(stage_labels), "stages", ui.label_of(stage_labels)
        )
        service_labels = {
            s.id: t("analysis.filter.service_option", name=s.name, sozialraum=s.sozialraum)
            for s in ui.services(include_retired=True)
            if s.id is not None
        }
        services = bar.multi(
            t("analysis.filter.services"),
            list(service_labels),
            "services",
            ui.label_of(service_labels),
        )
        household = bar.multi(
            t("analysis.filter.household"), list(HouseholdType), "household", _label
        )
        roles = bar.multi(
            t("analysis.filter.roles"),
            list(Role),
            "roles",
            _label,
            help=t("analysis.filter.roles_help"),
        )
        tax = ui.taxonomy()
        cat_labels = {c.key: c.label for c in sorted(tax.categories, key=lambda c: c.position)}
        categories = bar.multi(
            t("analysis.filter.categories"), list(cat_labels), "categories", ui.label_of(cat_labels)
        )
        statuses = bar.multi(t("analysis.filter.statuses"), list(TagStatus), "statuses", _label)
        archived = bar.archived()
        st.button(
            t("analysis.filter.reset"),
            on_click=guard.guarded(_reset_filter),
            icon=":material/filter_alt_off:",
            key=RESET_KEY,
            type="tertiary",
            disabled=not bar.parts,
        )
    active = ActiveFilter(
        AnalysisFilter(
            sozialraeume=soz,
            month_from=month_from,
            month_to=month_to,
            stages=stages,
            service_ids=services,
            household_types=household,
            member_roles=roles,
            categories=categories,
            statuses=statuses,
            journey_kind=kind,
            include_archived=archived,
        ),
        bar.parts,
    )
    st.caption(widgets.md(active.sentence))
    return active
