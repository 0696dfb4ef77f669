"""The sections of the report: each suppressed table as printed (German headings, "·",
"Insgesamt"), checked as committee-safe, with its chart drawn from the shown values, or
the sentence why it is left out.
"""

from __future__ import annotations

import pandas as pd

from barriers.disclosure import SuppressedReport, SuppressedTable, assert_committee_safe
from barriers.report.chart import bar_chart
from barriers.report.document import ReportSection
from barriers.report.order import frame_all_hidden
from barriers.report.tables import _Table
from journeys.i18n import t


def _section(table: _Table, suppressed: SuppressedReport) -> ReportSection:
    result = suppressed.tables[table.name]
    assert_committee_safe(result, suppressed.policy, n_scope=suppressed.n_scope.value)
    if result.withheld is not None:
        return ReportSection(table.title, table.intro, result, result.withheld, None, None,
                             name=table.name)  # fmt: skip
    frame = _printed(result, table)
    if frame_all_hidden(frame):  # nothing to read but "·": one sentence says why
        reason = t("report_hidden.all_hidden", k=suppressed.policy.k)
        return ReportSection(table.title, table.intro, result, reason, None, None,
                             name=table.name, all_hidden=True)  # fmt: skip
    png = svg = None
    caption = ""
    if table.chart and not frame.empty:
        chart = bar_chart(result, table.title)
        if chart is not None:
            png, svg = chart
            caption = t("report.chart.caption", title=table.title)
            if result.mask.any():
                caption += t("report.chart.hidden")
    return ReportSection(table.title, table.intro, result, None, png, svg, name=table.name,
                         frame=frame, chart_caption=caption)  # fmt: skip


def _printed(result: SuppressedTable, table: _Table) -> pd.DataFrame:
    """The table as printed, text only: German headings, "·", "Insgesamt"."""
    document = result.document()
    if document.empty:
        return pd.DataFrame(columns=list(table.columns.values()) or [table.row_heading])
    if result.row_col is None:
        keep = [c for c in table.columns if c in document.columns]
        out = document[keep].rename(columns=table.columns)
        return out.reset_index(drop=True).astype(str)
    out = document.copy()
    out.index.name = table.row_heading
    out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out.astype(str)
