"""The workshop summary as Markdown and DOCX: every part is there, typed text stays text,
and no case code leaves the room."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from workshop_support import seed_family

from journeys import storage
from journeys.i18n import t
from journeys.models import Role
from journeys.workshops.summary_export import file_stem, summary_docx, summary_markdown
from journeys.workshops.walkthrough import (
    ItemKind,
    SummaryBarrier,
    SummaryIdea,
    SummaryMeasure,
    SummaryRanked,
    SummaryStep,
    WorkshopItem,
    WorkshopStatus,
    WorkshopSummary,
    summary,
)

HOSTILE = (
    "Kita *Nord* | <script>alert(1)</script> [klick](http://x.example) `code` "
    "~~weg~~ _x_ &amp; \\ {y}\n- keine Liste\n# keine Überschrift"
)


def sample(
    text: str = "Betreuung während der Termine", title: str = "Workshop Kita"
) -> WorkshopSummary:
    """A summary built by hand: two steps, a ranking, a measure, a proposal and an idea."""
    barrier = SummaryBarrier(
        barrier_key="familie.kinderbetreuung",
        label="Keine Kinderbetreuung",
        category_label="Familie, Betreuung & Netzwerk",
        who=["Kind", "Mutter"],
        observed=2,
    )
    measure = SummaryMeasure(
        text=text,
        step_number=2,
        stage_label="Kinderbetreuung & Familie",
        barrier_label="Keine Kinderbetreuung",
        who="Kind",
        responsible="Jugendamt Warendorf",
        due_month="2027-03",
        due_label="März 2027",
    )
    return WorkshopSummary(
        workshop_id=1,
        title=title,
        status=WorkshopStatus.ABGESCHLOSSEN,
        based_on="archetype",
        journey_title="Alleinerziehende, zwei Kinder, ohne Auto",
        household_label="Alleinerziehend",
        created_on=date(2026, 11, 20),
        generated_on=date(2026, 11, 21),
        participants=3,
        votes_per_participant=3,
        votes_cast=7,
        steps=[
            SummaryStep(number=1, step_id=10, stage_label="Erstkontakt / Zugang"),
            SummaryStep(
                number=2,
                step_id=11,
                stage_label="Kinderbetreuung & Familie",
                service_name="Kita Sonnenschein",
                barriers=[barrier],
            ),
        ],
        ranking=[
            SummaryRanked(
                rank=1,
                barrier_key="familie.kinderbetreuung",
                label="Keine Kinderbetreuung",
                category_label="Familie, Betreuung & Netzwerk",
                votes=5,
                observed=2,
                step_numbers=[2],
            ),
            SummaryRanked(
                rank=2,
                barrier_key="sprache.deutsch",
                label="Geringe Deutschkenntnisse",
                category_label="Sprache & Verständigung",
                votes=2,
                observed=0,
                step_numbers=[1, 2],
            ),
        ],
        measures=[measure],
        proposals=[measure.model_copy(update={"text": "Lotsin begleitet", "due_label": ""})],
        ideas=[SummaryIdea(text=text, step_number=1, stage_label="Erstkontakt / Zugang")],
    )


def docx_text(data: bytes) -> tuple[list[str], list[list[list[str]]], object]:
    """Paragraph texts, table cell texts and the document, read back with python-docx."""
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return paragraphs, tables, doc


# ---------------------------------------------------------------- Markdown


def test_the_markdown_has_every_part_of_the_summary() -> None:
    md = summary_markdown(sample())
    assert md.startswith(f"# {t('workshop.export.document_title')}: Workshop Kita\n")
    for part in (
        "21.11.2026",
        "Alleinerziehende, zwei Kinder, ohne Auto",
        t("workshop.based_on_archetype"),
        t("workshop.export.heading_ranking"),
        "| 1 | Keine Kinderbetreuung (Familie, Betreuung \\& Netzwerk) | 5 | 2 | 2 |",
        "| 2 | Geringe Deutschkenntnisse (Sprache \\& Verständigung) | 2 | 0 | 1, 2 |",
        t("workshop.export.heading_measures"),
        "| Betreuung während der Termine |",
        "Jugendamt Warendorf | März 2027 |",
        t("workshop.export.heading_proposals"),
        "Lotsin begleitet",
        "### Schritt 2: Kinderbetreuung \\& Familie – Kita Sonnenschein",
        "betrifft: Kind, Mutter",
        t("workshop.export.none_step"),
        t("workshop.export.heading_ideas"),
    ):
        assert part in md, part
    order = [
        md.index(t(f"workshop.export.heading_{h}"))
        for h in ("ranking", "measures", "steps", "ideas")
    ]
    assert order == sorted(order)


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_hostile_text_stays_literal_text_in_markdown() -> None:
    md = summary_markdown(sample(text=HOSTILE, title="# Titel | *fett*"))
    assert md.splitlines()[0] == (
        f"# {t('workshop.export.document_title')}: \\# Titel \\| \\*fett\\*"
    )
    for raw in ("<script>", "*Nord*", "[klick]", "`code`", "~~weg~~", "_x_", "&amp;"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw
    for escaped in ("\\<script\\>", "\\*Nord\\*", "\\[klick\\]", "\\`code\\`", "\\&amp;"):
        assert escaped in md, escaped
    assert "\n- keine Liste" not in md and "\n# keine" not in md
    for block in re.findall(r"(?:^\|.*\n)+", md, flags=re.MULTILINE):
        counts = {_unescaped_pipes(line) for line in block.splitlines()}
        assert len(counts) == 1, f"a table row broke apart: {block}"


def test_an_empty_workshop_says_so_in_markdown() -> None:
    empty = sample().model_copy(
        update={"ranking": [], "measures": [], "proposals": [], "ideas": []}
    )
    md = summary_markdown(empty)
    for key in ("none_ranking", "none_measures", "none_ideas"):
        assert t(f"workshop.export.{key}") in md
    assert t("workshop.export.heading_proposals") not in md


def test_the_file_name_carries_no_typed_text() -> None:
    assert file_stem(sample(title="../../etc/passwd BG-7K3Q9X")) == "workshop-2026-11-21"


# ---------------------------------------------------------------- DOCX


def test_the_docx_reads_back_with_every_part() -> None:
    paragraphs, tables, doc = docx_text(summary_docx(sample()))
    assert paragraphs[0] == t("workshop.export.document_title")
    assert paragraphs[1] == "Workshop Kita"
    facts = {row[0]: row[1] for row in tables[0]}
    assert facts[t("workshop.export.date")] == "21.11.2026"
    assert facts[t("workshop.export.journey")] == "Alleinerziehende, zwei Kinder, ohne Auto"
    assert facts[t("workshop.export.participants")] == "3"
    ranking = tables[1]
    assert ranking[0][0] == t("workshop.export.col_rank")
    assert ranking[1] == [
        "1",
        "Keine Kinderbetreuung (Familie, Betreuung & Netzwerk)",
        "5",
        "2",
        "2",
    ]
    measures = tables[2]
    assert measures[1][0] == "Betreuung während der Termine"
    assert measures[1][2:] == ["Jugendamt Warendorf", "März 2027"]
    assert tables[3][1][0] == "Lotsin begleitet" and tables[3][1][3] == "–"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        t("workshop.export.heading_ranking"),
        t("workshop.export.heading_measures"),
        t("workshop.export.heading_proposals"),
        t("workshop.export.heading_steps"),
    ]
    assert "Schritt 2: Kinderbetreuung & Familie – Kita Sonnenschein" in headings
    assert any(p.startswith("Keine Kinderbetreuung (Familie") for p in paragraphs)
    assert any(p.startswith("Betreuung während der Termine – Schritt 1") for p in paragraphs)
    assert doc.core_properties.title == "Workshop Kita"
    assert doc.core_properties.language == "de-DE"
    assert doc.styles["Normal"].font.name == "Arial"


def test_hostile_text_reaches_word_as_plain_text() -> None:
    hostile = HOSTILE + "\x07\x00 Ende"
    paragraphs, tables, _ = docx_text(summary_docx(sample(text=hostile, title="<b>Titel</b>")))
    assert paragraphs[1] == "<b>Titel</b>"
    cell = tables[2][1][0]
    assert "<script>alert(1)</script>" in cell and "*Nord*" in cell
    assert "\x07" not in cell and "\x00" not in cell and cell.endswith(" Ende")


# ---------------------------------------------------------------- from the database


def test_a_real_workshop_exports_without_its_case_code(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "t.db")
    family, journey = seed_family(db)
    workshop = storage.workshops.create_workshop(db, "Runde 1", journey.id)
    group = storage.workshops.join(db, workshop.id, "Gruppe Kita")
    storage.workshops.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            participant_id=group.id,
            step_id=journey.steps[2].id,
            kind=ItemKind.BEOBACHTUNG,
            barrier_key="familie.kinderbetreuung",
            member_role=Role.KIND,
        ),
    )
    storage.workshops.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            step_id=journey.steps[2].id,
            kind=ItemKind.MASSNAHME,
            text=f"Kita-Platz für {family.code} klären",
            responsible_text="Kita-Koordination",
            due_month="2027-01",
            agreed=True,
        ),
    )
    storage.workshops.cast_vote(db, group.id, "familie.kinderbetreuung")
    result = summary(db, workshop.id)
    md = summary_markdown(result)
    paragraphs, tables, _ = docx_text(summary_docx(result))
    everything = "\n".join([md, *paragraphs, *(c for tb in tables for row in tb for c in row)])
    assert family.code not in everything
    assert "Ankommen in Everswinkel" in md and "Januar 2027" in md
    assert "Kita-Koordination" in everything


@pytest.mark.parametrize("status", list(WorkshopStatus))
def test_the_status_reads_in_german(status: WorkshopStatus) -> None:
    md = summary_markdown(sample().model_copy(update={"status": status}))
    assert f"**{t('workshop.export.status')}:** {status.label}" in md
