"""The committee report's bar charts, drawn from the suppressed tables only (PNG and SVG).

A chart can never show more than its table: it draws the shown numbers (NaN where
hidden draws no bar), in the table's printed order, which the report makes from shown
values only (barriers.report.order), so not even the order of the bars follows a hidden
value.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from barriers.disclosure import DisclosureError, SuppressedTable
from journeys.i18n import t

# A font vl_convert finds on Debian and that has every German letter.
CHART_FONT = "DejaVu Sans"


def bar_chart(result: SuppressedTable, title: str) -> tuple[bytes, bytes] | None:
    """Horizontal bars of the shown values (hidden ones are absent), PNG and SVG.

    Drawn from ``chart_frame``: the numbers with NaN where hidden, so a chart can never
    show more than the table.
    """
    frame = result.chart_frame()
    if result.row_col is not None:  # referrals: the families referred per service
        frame = frame[frame[result.col_col] == t("report.column.sent")]
        label_col = result.row_label_col or result.row_col
    else:
        label_col = result.label_col or "key"
    count = f"{result.count_col}"
    shown = frame[frame[count].notna() & (frame[count] > 0)]
    if shown.empty:
        return None
    data = pd.DataFrame(
        {"label": shown[label_col].astype(str), "families": shown[count].astype(int)}
    )
    order = list(data["label"])
    axis = t("report.chart.axis_families")
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("families:Q", title=axis, axis=alt.Axis(format="d", tickMinStep=1)),
    )
    bars = base.mark_bar(color="#2f5d8a")
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        text=alt.Text("families:Q", format=",d")
    )
    bar_height = 22 if len(data) <= 15 else 15  # long barrier lists: slimmer bars
    chart = (
        (bars + labels)
        .properties(width=380, height=max(40, bar_height * len(data)))
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=11, titleFontSize=11, labelFont=CHART_FONT, titleFont=CHART_FONT
        )
        .configure_text(font=CHART_FONT)
    )
    spec = chart.to_dict()
    try:
        png = vl_convert.vegalite_to_png(spec, scale=2, format_locale="de-DE")
        svg = vl_convert.vegalite_to_svg(spec, format_locale="de-DE").encode("utf-8")
    except Exception as exc:  # vl_convert raises plain ValueError/RuntimeError
        raise DisclosureError(t("report.errors.chart", title=title, reason=exc)) from exc
    return png, svg


__all__ = ["CHART_FONT", "bar_chart"]
