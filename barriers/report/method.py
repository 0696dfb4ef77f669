"""The Sachverhalt paragraphs of the report: project, families in scope, period,
Sozialräume, taxonomy, unit, threshold k, the order of rows, and no case data.
"""

from __future__ import annotations

from barriers.disclosure import SuppressedReport
from barriers.report.spec import ReportSpec
from journeys import formats
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy


def _method(
    spec: ReportSpec, suppressed: SuppressedReport, taxonomy: Taxonomy, *, too_few: bool
) -> list[str]:
    """The Sachverhalt paragraphs: project, families, period, method, taxonomy, k."""
    k = spec.k
    n = suppressed.n_scope
    families = (
        t("report.method.families_hidden", k=k)
        if too_few
        else t("report.method.families", n=n.display)
    )
    figure = suppressed.figures.get("with_barrier")
    if figure is not None and not too_few and not figure.suppressed:
        families += " " + t("report.method.with_barrier", n=figure.display)
    if spec.month_from and spec.month_to:
        period = t("report.method.period_from_to", start=_month(spec.month_from),
                   end=_month(spec.month_to))  # fmt: skip
    elif spec.month_from:
        period = t("report.method.period_from", start=_month(spec.month_from))
    elif spec.month_to:
        period = t("report.method.period_to", end=_month(spec.month_to))
    else:
        period = t("report.method.period_all")
    places = (
        t("report.method.sozialraeume", names=", ".join(spec.sozialraeume))
        if spec.sozialraeume
        else t("report.method.sozialraeume_all")
    )
    return [
        t("report.method.project"),
        f"{families} {period} {places}",
        t("report.method.taxonomy", version=taxonomy.version or "–"),
        t("report.method.unit"),
        t("report.method.threshold", k=k),
        t("report_hidden.method.order"),
        t("report.method.no_case_data"),
    ]


def _month(value: str) -> str:
    """ "2025-03" as "März 2025"."""
    return formats.month_label(value)
