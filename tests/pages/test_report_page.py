"""The Bericht page: a team lead fills the head of the Vorlage, creates the preview and finds
the downloads; the preview shows the suppressed report only (no case code, "·" marked),
refuses a too small k and invalid input in German, and says so when too few families are
in the chosen part of the data."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from barriers.disclosure import SYMBOL
from barriers.report import CommitteeReport, ReportBlock, ReportHeader, ReportSpec, build_report
from journeys import storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from pages.report_parts.report_table import html_table
from tests.support.apptest import sign_in
from tests.support.demo_data import demo_database

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "report.py")
FAMILIES = 30
SEED = 11
CASE_CODE = re.compile(r"BG-[A-Z0-9]{6}")
SUBMIT = t("report_page.form.submit")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 synthetic families, shared read-only by the tests of this module."""
    path = tmp_path_factory.mktemp("report_page") / "demo.db"
    return demo_database(path, families=FAMILIES, seed=SEED)


def _app(monkeypatch: pytest.MonkeyPatch, path: Path) -> AppTest:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=120)
    sign_in(at, UserRole.COACH)
    return at


def _submit(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == SUBMIT).click().run()


def _no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _texts(at: AppTest) -> list[str]:
    """Everything the page writes as text: Markdown, captions, boxes."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for boxes in (at.info, at.warning, at.error, at.success):
        out += [str(b.value) for b in boxes]
    return out


def _downloads(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


class _TableReader(HTMLParser):
    """The cells of the preview's HTML tables, as a reader sees them (headings first)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.turned: list[bool] = []
        self._cell: list[str] | None = None
        self._turned = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []
            self._turned = dict(attrs).get("class") == "turned"
        style = dict(attrs).get("style") or ""
        assert "display:none" not in style.replace(" ", ""), "a hidden column or cell"

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            if len(self.rows) == 1:
                self.turned.append(self._turned)
            self._cell = None


def _read_table(html: str) -> _TableReader:
    reader = _TableReader()
    reader.feed(html)
    return reader


def _tables(at: AppTest) -> list[pd.DataFrame]:
    """The report tables of the preview: every column and row exactly as printed."""
    out = []
    for element in at.html:
        if "za-report-table" not in element.value:
            continue
        head, *rows = _read_table(element.value).rows
        out.append(pd.DataFrame(rows, columns=head))
    return out


def _spec(path: Path, **values: object) -> ReportSpec:
    db = storage.connect(path)
    try:
        first, last = storage.step_month_range(db)
    finally:
        db.conn.close()
    header = ReportHeader(betreff=str(values.pop("betreff", "x")))
    return ReportSpec(header=header, month_from=first, month_to=last, **values)  # type: ignore[arg-type]


def _build(path: Path, spec: ReportSpec) -> CommitteeReport:
    db = storage.connect(path)
    try:
        return build_report(db, spec)
    finally:
        db.conn.close()


# ---------------------------------------------------------------- before the preview


def test_empty_database_shows_a_friendly_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "empty.db").run()
    _no_error(at)
    assert any(i.value == t("report_page.empty_db") for i in at.info)
    assert not at.button
    assert not _downloads(at)


def test_the_form_starts_with_the_template_defaults_and_the_data_range(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    _no_error(at)
    spec = _spec(demo_db)
    assert at.selectbox(key="report_month_from").value == spec.month_from
    assert at.selectbox(key="report_month_to").value == spec.month_to
    assert at.number_input(key="report_k").value == 5
    assert at.text_area(key="report_beschluss").value == "Zur Kenntnis."
    assert at.text_input(key="report_amt").value == "Jobcenter"
    assert at.text_input(key="report_betreff").value == t("report_page.default_betreff")
    assert {b.label for b in ReportBlock} <= {c.label for c in at.checkbox}
    assert all(at.checkbox(key=f"report_block_{b.value}").value for b in ReportBlock)
    # Nothing is built before the lead asks for it: no preview, no files.
    assert any(i.value == t("report_page.no_preview") for i in at.info)
    assert not _tables(at)
    assert not _downloads(at)


# ---------------------------------------------------------------- the preview


@pytest.fixture(scope="module")
def previewed(demo_db: Path) -> AppTest:
    """The page after the lead filled the head and pressed "Vorschau erstellen"."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ZUGANGSATLAS_DB", str(demo_db))
    try:
        at = AppTest.from_file(PAGE, default_timeout=120)
        sign_in(at, UserRole.COACH)
        at.run()
        at.text_input(key="report_vorlage_nr").input("202/2026")
        at.text_input(key="report_betreff").input("Zugangsbarrieren *Kita* | Nord")
        at.text_input(key="report_berichterstattung").input("Leitung Jobcenter")
        at.text_area(key="report_erlaeuterungen").input("Erster Absatz.\n\nZweiter Absatz.")
        at.radio(key="report_oeffentlich").set_value(False)
        at.date_input(key="report_sitzungsdatum").set_value(date(2026, 12, 3))
        return _submit(at)
    finally:
        mp.undo()


def test_preview_shows_head_method_sections_and_note(previewed: AppTest, demo_db: Path) -> None:
    at = previewed
    _no_error(at)
    texts = _texts(at)
    # The lead's own text is shown literally: Markdown in it is escaped, not interpreted.
    assert any(r"Zugangsbarrieren \*Kita\* \| Nord" in m for m in texts)
    assert any("202/2026" in m for m in texts)
    assert any("03.12.2026" in m.replace("\\", "") for m in texts)
    assert any(t("report.header.nichtoeffentlich") in m for m in texts)
    assert "Erster Absatz." in texts and "Zweiter Absatz." in texts
    report = _build(demo_db, _spec(demo_db))
    for section in report.sections:
        assert any(section.title in m for m in texts), section.title
    for paragraph in report.method:
        assert any(paragraph.replace(".", "") in m.replace("\\", "").replace(".", "")
                   for m in texts), paragraph  # fmt: skip
    assert any(report.note in m for m in texts)
    assert any(t("report.heading.anlagen").rstrip(":") in m for m in texts)


def test_preview_tables_are_the_printed_suppressed_frames(
    previewed: AppTest, demo_db: Path
) -> None:
    report = _build(demo_db, _spec(demo_db))
    frames = [s.frame for s in report.sections if s.frame is not None and not s.empty]
    shown = _tables(previewed)
    assert len(shown) == len(frames)
    for got, expected in zip(shown, frames, strict=True):
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True).astype(str))
    # Demo data has small cells: they are hidden and the preview says so under the table.
    assert any((frame == SYMBOL).to_numpy().any() for frame in shown)
    assert t("report_page.preview.hidden_cells") in [c.value for c in previewed.caption]
    # The charts are drawn from the suppressed tables, with the document's captions.
    report_captions = [s.chart_caption for s in report.sections if s.chart_png]
    shown_captions = [c for image in previewed.image for c in image.captions]
    assert report_captions and shown_captions == report_captions


def test_downloads_offer_every_format_docx_first(previewed: AppTest) -> None:
    buttons = previewed.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == [t(f"report_page.download.{f}") for f in ("docx", "pdf", "xlsx", "csv", "md")]
    assert buttons[0].proto.type == "primary"
    # Files are made when a button is pressed, not on every run of the page.
    assert all(b.proto.deferred_file_id for b in buttons)


def test_no_case_code_appears_anywhere_on_the_page(previewed: AppTest) -> None:
    for text in _texts(previewed):
        assert not CASE_CODE.search(text), text
    for data in _tables(previewed):
        cells = " ".join(map(str, [*data.columns, *data.to_numpy().ravel()]))
        assert not CASE_CODE.search(cells)


# ---------------------------------------------------------------- refusals


def test_k_below_three_is_refused(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.number_input(key="report_k").set_value(2)
    at = _submit(at)
    assert not at.exception
    k = at.number_input(key="report_k").value
    errors = [e.value for e in at.error]
    # Either the widget keeps k at 3 or more, or the page refuses in German.
    assert k >= 3 or any("mindestens 3" in e for e in errors)
    texts = " ".join(_texts(at))
    assert "Werte unter 2 Familien" not in texts


def test_missing_betreff_is_refused_in_german(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.text_input(key="report_betreff").input("   ")
    at = _submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert t("report_page.errors_heading") in errors[0]
    assert t("report.errors.betreff_missing") in errors[0]
    assert not _tables(at)
    assert not _downloads(at)


def test_period_in_the_wrong_order_is_refused_in_german(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    spec = _spec(demo_db)
    at.selectbox(key="report_month_from").set_value(spec.month_to)
    at.selectbox(key="report_month_to").set_value(spec.month_from)
    at = _submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and "Der Zeitraum ist ungültig" in errors[0]
    assert not _downloads(at)


def test_too_few_families_shows_the_reason_and_no_table(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.number_input(key="report_k").set_value(50)
    at = _submit(at)
    _no_error(at)
    too_few = t("report.too_few.text", k=50)
    assert any(too_few in str(w.value) for w in at.warning)
    assert not _tables(at)
    # The report without numbers can still be handed out: it says why it has none.
    assert _downloads(at)


def test_choosing_fewer_blocks_leaves_their_sections_out(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    for block in ReportBlock:
        if block is not ReportBlock.SIDE:
            at.checkbox(key=f"report_block_{block.value}").uncheck()
    at = _submit(at)
    _no_error(at)
    texts = _texts(at)
    assert any(t("report.section.side_title") in m for m in texts)
    assert not any(t("report.section.recurrence_barrier_title") in m for m in texts)
    report = _build(demo_db, _spec(demo_db, blocks=(ReportBlock.SIDE,)))
    (side,) = report.sections
    if side.all_hidden:  # every figure "·": one sentence instead of the table
        assert not _tables(at)
        assert any(str(i.value) == t("report_hidden.all_hidden", k=5) for i in at.info)
    else:
        assert len(_tables(at)) == 1


def test_sozialraum_breakdown_is_shown_or_withheld_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.checkbox(key="report_by_sozialraum").check()
    at = _submit(at)
    _no_error(at)
    report = _build(demo_db, _spec(demo_db, by_sozialraum=True))
    section = next(s for s in report.sections if s.name == "sozialraum")
    assert any(section.title in m for m in _texts(at))
    if section.withheld is not None:
        assert any(section.withheld in str(i.value) for i in at.info)
    else:
        assert len(_tables(at)) == sum(
            1 for s in report.sections if s.frame is not None and not s.empty
        )


def test_preview_shows_every_column_of_the_wide_cross_table(
    previewed: AppTest, demo_db: Path
) -> None:
    """Stage × ten categories: all columns on the page at once, headings turned upright
    (as in the PDF) so that the narrow figure columns fit; nothing behind a scroll bar."""
    report = _build(demo_db, _spec(demo_db))
    section = next(s for s in report.sections if s.name == "stage_category")
    assert section.frame is not None
    expected = [str(c) for c in section.frame.columns]
    assert len(expected) > 10
    html = next(h.value for h in previewed.html if t("report.column.stage") in h.value
                and "za-report-table wide" in h.value)  # fmt: skip
    table = _read_table(html)
    assert table.rows[0] == expected
    assert table.turned == [False] + [True] * (len(expected) - 1)
    assert all(len(row) == len(expected) for row in table.rows)
    assert not previewed.dataframe  # no data grid that could hide columns behind a scroll bar


def test_preview_escapes_the_cells_it_prints() -> None:
    frame = pd.DataFrame({"Kategorie": ["<b>Sprache</b> & Co"], "Familien": [SYMBOL]})
    html = html_table(frame)
    assert "<b>Sprache</b>" not in html and "&lt;b&gt;Sprache&lt;/b&gt; &amp; Co" in html
    assert _read_table(html).rows == [["Kategorie", "Familien"], ["<b>Sprache</b> & Co", SYMBOL]]
    assert 'class="hidden"' in html
