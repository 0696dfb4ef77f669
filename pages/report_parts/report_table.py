"""The Bericht preview's tables as static HTML: every row and every column at once.

A data grid shows a wide cross table (stage × ten categories) only in part, behind a
horizontal scroll bar, with its headings cut short; the committee's paper shows all of it.
So the preview prints ``ReportSection.frame`` as a plain table: headings wrap between
words only (never inside one), and a wide table turns its column headings upright, as
the PDF does, so its narrow figure columns fit the page. Hidden cells ("·") are marked.

Every heading and cell is HTML-escaped: labels come from the catalogue, which a team lead
can edit.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from barriers.disclosure import SYMBOL
from journeys.i18n import t

# More columns than this: upright headings (the DOCX turns such a table to landscape).
WIDE_COLUMNS = 6

STYLE = """
<style>
.za-report-table { width: 100%; overflow-x: auto; margin: 0.25rem 0 0.5rem 0; }
.za-report-table table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.za-report-table.wide table { font-size: 0.8rem; }
.za-report-table th, .za-report-table td {
  padding: 0.3rem 0.5rem; border-bottom: 1px solid #d9d9d9; vertical-align: bottom;
  overflow-wrap: normal; word-break: normal; hyphens: manual;
}
.za-report-table thead th { background: #eef2f6; font-weight: 600; text-align: right; }
.za-report-table thead th:first-child, .za-report-table tbody th { text-align: left; }
.za-report-table tbody th { font-weight: 400; }
.za-report-table td { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.za-report-table td.hidden { background-color: #fde7c2; color: #7a4a00; font-weight: 600;
  text-align: center; }
.za-report-table tr.total th, .za-report-table tr.total td { font-weight: 700;
  border-top: 1px solid #808080; }
.za-report-table.wide thead th.turned { padding: 0.4rem 0.25rem; }
.za-report-table.wide thead th.turned span { writing-mode: vertical-rl;
  transform: rotate(180deg); white-space: nowrap; display: inline-block; }
</style>
"""


def html_table(frame: pd.DataFrame) -> str:
    """The printed table as an HTML table (with its style), hidden cells marked."""
    columns = [str(c) for c in frame.columns]
    wide = len(columns) > WIDE_COLUMNS
    head = "".join(_heading(index, name, wide) for index, name in enumerate(columns))
    total = t("disclosure.total")
    hidden_title = escape(t("report_hidden.preview.hidden_cell"))
    body = []
    for values in frame.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in values]
        row_class = ' class="total"' if cells and cells[0] == total else ""
        parts = [f'<th scope="row">{escape(cells[0])}</th>'] if cells else []
        for cell in cells[1:]:
            if cell == SYMBOL:
                parts.append(f'<td class="hidden" title="{hidden_title}">{escape(cell)}</td>')
            else:
                parts.append(f"<td>{escape(cell)}</td>")
        body.append(f"<tr{row_class}>{''.join(parts)}</tr>")
    css = "za-report-table wide" if wide else "za-report-table"
    return (
        f'{STYLE}<div class="{css}"><table lang="de"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _heading(index: int, name: str, wide: bool) -> str:
    if wide and index > 0:
        return f'<th scope="col" class="turned"><span>{escape(name)}</span></th>'
    return f'<th scope="col">{escape(name)}</th>'


__all__ = ["html_table"]
