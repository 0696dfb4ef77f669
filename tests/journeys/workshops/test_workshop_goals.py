"""The family's goals in a workshop: a persona brings its goals along, and the summary
(Markdown, DOCX) names them in the family's words, by role, escaped, without case codes."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlite_utils import Database

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.models.goals import Goal, GoalStatus
from journeys.workshops.summary_export import summary_docx, summary_markdown
from journeys.workshops.walkthrough import create_archetype_workshop, summary
from tests.support.families import save_single_mother

TODAY = date(2026, 11, 20)


def test_a_persona_workshop_summary_names_the_personas_goals(db: Database) -> None:
    persona = next(a for a in load_archetypes() if a.key == "alleinerziehend_ohne_auto")
    workshop = create_archetype_workshop(db, persona, today=TODAY)
    result = summary(db, workshop.id, today=TODAY)

    assert [(g.who, g.status_label) for g in result.goals] == [
        ("Mutter", "in Arbeit"),
        ("die ganze Familie", "offen"),
    ]
    text = summary_markdown(result)
    assert "## Ziele der Familie" in text
    assert "**Den Deutschkurs B1 schaffen, damit ich Briefe vom Amt selbst verstehe**" in text
    assert "selbst: Ich gehe dreimal die Woche vormittags zum Kurs" in text
    assert "was die Familie selbst dafür tun will, ist noch offen" in text
    assert text.index("Ziele der Familie") < text.index("Rangfolge")
    # The persona's goals are stored with its invented family, dated in its first month.
    family_id = storage.get_journey(db, workshop.journey_id).family_id
    [working, wish] = storage.goals.list_goals(db, family_id)
    assert working.status is GoalStatus.IN_ARBEIT and wish.status is GoalStatus.OFFEN
    assert working.set_on.day == 1


def test_a_family_workshop_summary_shows_goals_escaped_and_without_codes(db: Database) -> None:
    family = save_single_mother(db)
    journey = storage.get_or_create_journey(db, family.id)
    from journeys.models import Step

    storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month="2026-09"))
    storage.goals.save_goal(
        db,
        Goal(
            family_id=family.id,
            member_id=family.members[0].id,
            text=f"Arbeit *finden* | {family.code}",
            own_part="Bewerbungen schreiben",
            set_on=date(2026, 9, 1),
        ),
    )
    workshop = storage.workshops.create_workshop(db, "Workshop", journey.id, based_on="journey")
    result = summary(db, workshop.id, today=TODAY)

    text = summary_markdown(result)
    assert r"Arbeit \*finden\* \|" in text
    assert family.code not in text
    document = Document(io.BytesIO(summary_docx(result)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Ziele der Familie" in paragraphs
    goal_line = next(p for p in paragraphs if p.startswith("Arbeit *finden*"))
    assert "(Mutter, offen) – selbst: Bewerbungen schreiben" in goal_line
    assert family.code not in " ".join(paragraphs)


def test_without_goals_the_summary_has_no_goal_section(db: Database) -> None:
    persona = next(a for a in load_archetypes() if a.key == "vater_kontaktabbruch")
    workshop = create_archetype_workshop(db, persona, today=TODAY)
    assert "Ziele der Familie" not in summary_markdown(summary(db, workshop.id, today=TODAY))


def test_a_family_workshop_summary_names_its_resources_but_never_a_health_one(
    db: Database,
) -> None:
    from journeys.models import Step
    from journeys.models.resources import FamilyResource

    family = save_single_mother(db)
    journey = storage.get_or_create_journey(db, family.id)
    storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month="2026-09"))
    taxonomy = storage.get_resource_taxonomy(db)
    network = next(r for r in taxonomy.types if r.kind.value == "netzwerk" and not r.sensitive)
    health = next(r for r in taxonomy.types if r.sensitive)
    storage.add_family_resource(
        db,
        family.id,
        FamilyResource(
            type_key=network.key, who="die Großmutter", note=f"*dienstags* {family.code}"
        ),
    )
    storage.add_family_resource(
        db, family.id, FamilyResource(type_key=health.key, who="Gruppe am Mittwoch")
    )
    workshop = storage.workshops.create_workshop(db, "Workshop", journey.id, based_on="journey")
    result = summary(db, workshop.id, today=TODAY)

    assert [(r.type_label, r.who) for r in result.resources] == [
        (network.label, "die ganze Familie")
    ]
    text = summary_markdown(result)
    assert "## Ressourcen der Familie" in text
    assert r"die Großmutter · \*dienstags\*" in text
    assert "Gruppe am Mittwoch" not in text and family.code not in text
    paragraphs = [p.text for p in Document(io.BytesIO(summary_docx(result))).paragraphs]
    assert "Ressourcen der Familie" in paragraphs
    line = next(p for p in paragraphs if p.startswith(network.label))
    assert "die Großmutter · *dienstags*" in line
    assert "Gruppe am Mittwoch" not in " ".join(paragraphs)


def test_a_persona_brings_its_resources_into_the_workshop_and_its_summary(db: Database) -> None:
    persona = next(a for a in load_archetypes() if a.key == "alleinerziehend_ohne_auto")
    workshop = create_archetype_workshop(db, persona, today=TODAY)
    result = summary(db, workshop.id, today=TODAY)
    assert [(r.type_label, r.who) for r in result.resources] == [
        ("Sprachen", "Mutter"),
        ("Nachbarschaft", "die ganze Familie"),
    ]
    text = summary_markdown(result)
    assert "die Nachbarin · bringt das Kita-Kind, wenn der Bus ausfällt" in text


def test_every_personas_resource_names_a_type_of_the_shipped_taxonomy() -> None:
    from journeys.reference.resources import load_resource_taxonomy

    keys = {r.key for r in load_resource_taxonomy().types}
    used = [r.type for a in load_archetypes() for r in a.resources]
    assert used and set(used) <= keys
