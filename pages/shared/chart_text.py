"""Text alternatives for the Altair charts (BITV 2.0 / WCAG 1.1.1, issue #13).

A chart drawn by Vega is a picture to a screen reader: Vega labels it "Vega
visualization" and nothing more. Every chart of the app therefore gets

- a German name (``describe``): Vega puts a spec's ``description`` on the chart's
  ``aria-label``, so a screen reader says which chart it is and where its figures are;
- its figures as a table right under it (``data_table``), folded away in an expander:
  the chart's own data, with the columns its tooltip shows and the German titles the
  tooltip gives them, so the table says exactly what hovering over the chart would.

Every chart also speaks German numbers and months (``german_locale``): Vega formats axis
labels, legends and tooltips with its own locale, English unless told otherwise ("1,234.5",
"January"). Streamlit passes no vega-embed options through (``formatLocale`` would be
dropped), but it keeps the spec's ``config``, and Vega reads ``config.locale``: so each
chart carries the locale of the interface language, built from Babel's CLDR data like
every other number and month of the app (``journeys/formats.py``): "1.234,5", "März".

The Graphviz drawings (journey maps, referral and flow graphs) are images with an
``alt`` text (``pages/shared/ui.py``): a journey map lists its steps (``journey_alt``), the
analysis graphs point to the table of the same figures under them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from babel.numbers import get_decimal_symbol, get_group_symbol

from journeys import formats
from journeys.i18n import current_language, t
from journeys.models import Journey, Service, Stage


def describe(chart: alt.TopLevelMixin, title: str | None = None) -> alt.TopLevelMixin:
    """The chart with a German ``description`` (its ``aria-label`` in the browser), and
    German numbers and months (``german_locale``)."""
    text = t("accessibility.chart_alt", title=title) if title else t("accessibility.chart_alt_any")
    return german_locale(chart.properties(description=text))


# d3's date and time patterns of each language (the names come from Babel).
_TIME_PATTERNS = {
    "de": {"dateTime": "%A, %e. %B %Y, %X", "date": "%d.%m.%Y", "time": "%H:%M:%S"},
    "en": {"dateTime": "%a %e %b %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S"},
}


@cache
def _vega_locale(language: str) -> dict[str, Any]:
    loc = formats.locale()
    months, days = loc.months["stand-alone"], loc.days["stand-alone"]
    # Babel counts months from 1 and weekdays from Monday (0); d3 from January and Sunday.
    week = [6, 0, 1, 2, 3, 4, 5]
    currency = loc.currency_symbols.get("EUR", "€")
    return {
        "number": {
            "decimal": get_decimal_symbol(loc),
            "thousands": get_group_symbol(loc),
            "grouping": [3],
            "currency": ["", f"\u00a0{currency}"],
        },
        "time": {
            **_TIME_PATTERNS.get(language, _TIME_PATTERNS["de"]),
            "periods": [loc.day_periods["format"]["abbreviated"][p] for p in ("am", "pm")],
            "days": [days["wide"][d] for d in week],
            "shortDays": [days["abbreviated"][d] for d in week],
            "months": [months["wide"][m] for m in range(1, 13)],
            "shortMonths": [months["abbreviated"][m] for m in range(1, 13)],
        },
    }


def vega_locale() -> dict[str, Any]:
    """Vega's number and time locale of the interface language (``config.locale``)."""
    return _vega_locale(current_language())


def german_locale(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart formatting numbers and dates in the interface language (its own
    ``config`` kept: a chart's ``configure`` would replace it)."""
    config = getattr(chart, "config", alt.Undefined)
    if config is alt.Undefined:
        return chart.configure(locale=vega_locale())
    chart = chart.copy(deep=False)
    chart.config = config.copy(deep=False)
    chart.config.locale = vega_locale()
    return chart


def _layers(chart: Any) -> list[Any]:
    layers = getattr(chart, "layer", None)
    return list(layers) if isinstance(layers, list) else [chart]


def _channels(layer: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The fields of one layer's encoding ``names`` (e.g. its tooltip), with their titles."""
    encoding = getattr(layer, "encoding", alt.Undefined)
    if encoding is alt.Undefined:
        return []
    items: list[Any] = []
    for name in names:
        value = getattr(encoding, name, alt.Undefined)
        if value is not alt.Undefined:
            items.extend(value if isinstance(value, list) else [value])
    channels = []
    for item in items:
        spec = item.to_dict() if hasattr(item, "to_dict") else {}
        if isinstance(spec, dict) and spec.get("field"):
            channels.append(spec)
    return channels


def chart_frame(chart: alt.TopLevelMixin) -> pd.DataFrame:
    """The figures a chart draws, as a table with the titles of its tooltip.

    Takes the first layer with a data frame and tooltip fields (else, the first with x
    and y), so a bar chart with a text layer of labels gives one table, not two, and a
    zero line is no table at all.
    """
    top_data = getattr(chart, "data", alt.Undefined)
    for names in (("tooltip",), ("y", "x")):
        for layer in _layers(chart):
            data = getattr(layer, "data", alt.Undefined)
            frame = data if isinstance(data, pd.DataFrame) else top_data
            if not isinstance(frame, pd.DataFrame):
                continue
            fields = [c for c in _channels(layer, names) if c["field"] in frame.columns]
            if fields:
                return _titled(frame, fields)
    return pd.DataFrame()


def _titled(frame: pd.DataFrame, fields: list[dict[str, Any]]) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for channel in fields:
        values = frame[channel["field"]]
        if pd.api.types.is_float_dtype(values):
            values = values.round(1)
        title = channel.get("title")
        columns[str(title) if title else str(channel["field"])] = values
    return pd.DataFrame(columns).reset_index(drop=True)


def data_table(chart: alt.TopLevelMixin, title: str | None = None) -> None:
    """The chart's figures as a table, folded away right under the chart."""
    frame = chart_frame(chart)
    if frame.empty:
        return
    label = t("accessibility.chart_table", title=title) if title else t("accessibility.table_any")
    with st.expander(label):
        st.dataframe(frame, hide_index=True, width="stretch")


def journey_alt(
    journey: Journey, code: str, stages: list[Stage], services: dict[int, Service]
) -> str:
    """A journey map in words: every step with its stage, service and outcome."""
    stage_labels = {stage.key: stage.label for stage in stages}
    steps = "; ".join(
        t(
            "journey.map_alt_step",
            n=n,
            stage=stage_labels.get(step.stage_key, step.stage_key),
            service=services[step.service_id].name
            if step.service_id in services
            else t("journey.no_service"),
            outcome=step.outcome.label,
        )
        for n, step in enumerate(journey.steps, start=1)
    )
    return t("journey.map_alt", code=code, n=len(journey.steps), steps=steps)
