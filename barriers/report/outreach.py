"""The outreach loop in the committee report: one small table (families that broke contact,
split into reached again and not reached again, with the total) and one sentence, both
under the report's one suppression (``barriers/disclosure/``: no count below k, no
complement below k, the split of a shown total never lets a hidden part be recovered).

The sentence is written from the SHOWN values only: a hidden count is written "·", and
the median months are named only when the number of families reached again is shown
(it is then a figure of at least k families).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from barriers.analysis import Facts
from barriers.analysis.outreach import outreach_loop
from barriers.disclosure import DisclosureReport, SuppressedReport
from barriers.report.document import ReportSection
from barriers.report.spec import ReportBlock
from barriers.report.tables import _Table
from journeys import formats
from journeys.i18n import t

NAME = "outreach"
BROKE = "kontaktabbruch"  # the one row when the split is not shown
# What the cells count: families that broke contact (a measure of its own, so the registry
# never takes these counts for families with a barrier).
MEASURE = "outreach"
REACHED, LOST = "wieder_erreicht", "nicht_wieder_erreicht"


def declare(registry: DisclosureReport, facts: Facts) -> tuple[_Table, float | None]:
    """Declare the table to the registry; returns it and the median months to return."""
    loop = outreach_loop(facts)
    lost = loop.broke - loop.reached_again
    if loop.broke and 0 in (loop.reached_again, lost):
        # One part is a true 0, which the suppression shows: "8 broke contact, 8 came back"
        # would tell of every family known to have broken contact that it came back (a
        # complement of 0 within the group). Only the families that broke contact are shown.
        # (A part between 0 and k is hidden by the suppression itself, with what reveals it.)
        frame = pd.DataFrame(
            {"key": [BROKE], "label": [t("report_outreach.broke")], "families": [loop.broke]}
        )
        median: float | None = None
    else:
        frame = pd.DataFrame(
            {
                "key": [REACHED, LOST],
                "label": [t("report_outreach.reached"), t("report_outreach.lost")],
                "families": [loop.reached_again, lost],
            }
        )
        median = loop.median_months
    # Every family that broke contact lies in exactly one row; the total is printed.
    split = len(frame) > 1  # one row alone needs no "Insgesamt" under it
    registry.one_way(NAME, frame, dim="outreach", measure=MEASURE, partition=True,
                     total_shown=split, shares=False)  # fmt: skip
    table = _Table(
        NAME, ReportBlock.OUTREACH, t("report_outreach.title"), t("report_outreach.intro"),
        {"label": t("report_outreach.column"), "families": t("report.column.families")},
    )  # fmt: skip
    return table, median


def with_sentence(
    sections: list[ReportSection], suppressed: SuppressedReport, median: float | None
) -> list[ReportSection]:
    """The outreach section's introduction followed by the sentence on the loop."""
    result = suppressed.tables.get(NAME)
    if result is None or result.withheld is not None:
        return sections
    return [
        replace(s, intro=f"{s.intro} {sentence(suppressed, median)}")
        if s.name == NAME and not s.all_hidden  # all "·": the section says why instead
        else s
        for s in sections
    ]


def sentence(suppressed: SuppressedReport, median: float | None) -> str:
    """ "Im Berichtszeitraum brachen 12 Familien den Kontakt ab; 9 davon wurden …"."""
    result = suppressed.tables[NAME]
    shown = dict(zip(result.data["key"], result.display[result.count_col], strict=True))
    values = dict(zip(result.data["key"], result.data[result.count_col], strict=True))
    total = result.margins[result.margins["axis"] == "total"]
    broke = str(total["display"].iloc[0]) if not total.empty else "·"
    broke_value = None if total.empty or bool(total["suppressed"].iloc[0]) else total["value"]
    if broke_value is not None and int(broke_value.iloc[0]) == 0:
        return t("report_outreach.sentence_none")
    if REACHED not in shown:  # the split is not shown: one of its parts is empty
        return t("report_outreach.sentence_split_hidden", broke=shown[BROKE])
    text = t("report_outreach.sentence", broke=broke, reached=shown[REACHED])
    reached = values[REACHED]
    if median is not None and not pd.isna(reached) and int(reached) > 0:
        text += " " + t("report_outreach.sentence_median",
                        months=formats.number(median, decimals=1))  # fmt: skip
    return text
