"""The demo families' resources and the demo Sozialraum catalogue (issue #15).

Invented, like everything in the demo, and drawn from a random stream of its own (seeded
by the demo's seed and the family's case code), so that the families, journeys, tags and
goals the demo wrote before stay exactly the same. The catalogue of the two demo
Sozialräume: a volunteer sponsorship project in Everswinkel, the parents' café in
Ennigerloh, a food bank and a sports club in each; every entry says it is made up. The
families: a grandmother who minds the children, a mother who speaks three languages, the
sponsor, the café, the food bank, the sports club of a child. The mother's languages
are the ones her member record names.
"""

from __future__ import annotations

import random
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import Family, Journey, Role
from journeys.models.resources import FamilyResource, SozialraumResource

DEMO_NOTE = "Erfundener Beispieleintrag der Demodaten."
# (Sozialraum, name, type, what is offered, contact, volunteer, lat, lon): approximate
# town centres, for the map.
CATALOGUE: tuple[tuple[str, str, str, str, str, bool, float, float], ...] = (
    ("Everswinkel", "Patenprojekt Familienbande", "sozialraum.patenschaft",
     "Ehrenamtliche Patinnen und Paten begleiten Familien zu Terminen und helfen bei Briefen.",
     "Über das Familienbüro im Rathaus, dienstags 9–12 Uhr", True, 51.9256, 7.8478),
    ("Everswinkel", "Sportverein Everswinkel", "sozialraum.verein",
     "Kinderturnen und Fußball; der Beitrag kann über Bildung und Teilhabe laufen.",
     "Geschäftsstelle, Training montags ab 16 Uhr", True, 51.9231, 7.8502),
    ("Everswinkel", "Tafel-Ausgabestelle Everswinkel", "sozialraum.tafel",
     "Lebensmittel für Menschen mit wenig Geld, einmal die Woche.",
     "Ausgabe freitags 14–16 Uhr im Pfarrheim", True, 51.9262, 7.8455),
    ("Ennigerloh", "Elterncafé im Familienzentrum", "sozialraum.elterncafe",
     "Offener Treff für Eltern mit Kinderbetreuung; Fachkräfte beantworten Fragen.",
     "Mittwochs 9–11 Uhr, ohne Anmeldung", False, 51.8378, 8.0283),
    ("Ennigerloh", "Tafel Ennigerloh", "sozialraum.tafel",
     "Lebensmittel und Kleiderkammer.",
     "Ausgabe dienstags und freitags ab 13 Uhr", True, 51.8392, 8.0311),
    ("Ennigerloh", "Stadtteiltreff Ennigerloh-Süd", "sozialraum.stadtteilzentrum",
     "Beratung ohne Termin, Sprachcafé, Hausaufgabenhilfe.",
     "Montag bis Donnerstag 10–17 Uhr", False, 51.8331, 8.0260),
)  # fmt: skip

YOUNG = frozenset({"0-2", "3-5", "6-14"})


def ensure_demo_catalogue(db: Database) -> dict[tuple[str, str], int]:
    """The demo catalogue (added once, kept if edited): (Sozialraum, type) → entry id."""
    stored = {
        (e.sozialraum, e.name): e
        for e in storage.list_sozialraum_resources(db, include_retired=True)
    }
    missing = [
        SozialraumResource(
            sozialraum=place, name=name, type_key=kind, offer=f"{offer} {DEMO_NOTE}",
            contact=contact, volunteer=volunteer, lat=lat, lon=lon,
        )
        for place, name, kind, offer, contact, volunteer, lat, lon in CATALOGUE
        if (place, name) not in stored
    ]  # fmt: skip
    if missing:
        storage.save_sozialraum_resources(db, missing)
        stored = {
            (e.sozialraum, e.name): e
            for e in storage.list_sozialraum_resources(db, include_retired=True)
        }
    return {
        (place, kind): stored[(place, name)].id  # type: ignore[misc]
        for place, name, kind, *_ in CATALOGUE
        if (place, name) in stored
    }


def _day(rng: random.Random, journey: Journey) -> date:
    months = [s.month for s in journey.steps] or ["2024-09"]
    month = rng.choice(months)
    return date(int(month[:4]), int(month[5:7]), rng.randint(1, 28))


def demo_resources(
    family: Family, journey: Journey, seed: int, catalogue: dict[tuple[str, str], int]
) -> list[FamilyResource]:
    """Zero to three resources of the family (not stored), dated within its journey."""
    rng = random.Random(f"ressourcen:{seed}:{family.code}")  # a stream of its own
    mother = next((m for m in family.members if m.role is Role.MUTTER), None)
    young = [m for m in family.members if m.role is Role.KIND and m.age_band.value in YOUNG]
    school = [m for m in family.members if m.role is Role.KIND and m.age_band.value == "6-14"]
    place = family.sozialraum
    options: list[FamilyResource] = []

    def add(type_key: str, **fields: object) -> None:
        link = catalogue.get((place, type_key)) if type_key.startswith("sozialraum.") else None
        if type_key.startswith("sozialraum.") and link is None:
            return  # no such place in the family's Sozialraum
        options.append(
            FamilyResource(
                family_id=family.id,
                type_key=type_key,
                recorded_on=_day(rng, journey),
                sozialraum_resource_id=link,
                **fields,  # type: ignore[arg-type]
            )
        )

    if young:
        add("netzwerk.familie", who="Großmutter",
            note="Die Oma passt auf die Kinder auf, wenn ich zu einem Termin muss.")  # fmt: skip
    if mother is not None and len(mother.languages) >= 2:
        spoken = ", ".join(mother.languages[:-1]) + f" und {mother.languages[-1]}"
        if len(mother.languages) == 2:  # her record names the languages that matter for access
            spoken = f"{', '.join(mother.languages)} und etwas Englisch"
        add("persoenlich.sprachen", member_id=mother.id,
            note=f"Ich spreche {spoken} und übersetze für Nachbarinnen.")  # fmt: skip
    if mother is not None:
        add("sozialraum.patenschaft", member_id=mother.id, who="Patin",
            note="Die Patin kommt mit zum Jobcenter und erklärt die Briefe.")  # fmt: skip
    if young:
        add("sozialraum.elterncafe", note="Im Elterncafé treffe ich andere Mütter.")
    add("sozialraum.tafel", note="Wir holen jeden Freitag Lebensmittel.")
    if school:
        add("sozialraum.verein", member_id=school[0].id,
            note="Im Fußball hat das Kind Freunde gefunden.")  # fmt: skip
    add("persoenlich.motivation", note="Wir wollen es selbst schaffen.")
    # A mother's languages are rare in the demo and worth showing: mostly kept.
    languages = [r for r in options if r.type_key == "persoenlich.sprachen"]
    others = [r for r in options if r.type_key != "persoenlich.sprachen"]
    chosen = rng.sample(others, k=min(len(others), rng.choice((0, 1, 2, 2, 3))))
    chosen += [r for r in languages if rng.random() < 0.8]
    return sorted(chosen, key=lambda r: (r.recorded_on, r.type_key))


def insert_demo_resources(db: Database, chunk: list[tuple[Family, Journey]], seed: int) -> None:
    """The demo catalogue and the resources of the families of one batch (inside its save)."""
    catalogue = ensure_demo_catalogue(db)
    storage.insert_family_resources(
        db, [r for f, j in chunk for r in demo_resources(f, j, seed, catalogue)]
    )
