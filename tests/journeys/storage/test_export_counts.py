"""The counts the Daten page's export shows on open, counted in SQL without listing.

"Alle (n)" and "n Familien ohne Einwilligung bleiben draußen" must say exactly what the
export will hold: the same families as the lists they replace (``family_list.codes`` and
``privacy.consenting_family_ids`` of those), per team, archetypes never.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import AgeBand, ConsentPurpose, Family, HouseholdType, Member, Role
from journeys.storage import ARCHETYPE_TEAM, privacy

EV = ConsentPurpose.EVALUATION
FK = ConsentPurpose.FALLKONFERENZ
TODAY = date(2026, 11, 21)


def family(db: Database, team: str) -> int:
    saved = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINSTEHEND,
            team=team,
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )
    return saved.id or 0


def test_the_counts_equal_the_lists_they_replace(db: Database) -> None:
    nord = [family(db, "Team Nord") for _ in range(3)]
    sued = [family(db, "Team Süd") for _ in range(2)]
    invented = family(db, ARCHETYPE_TEAM)
    privacy.save_consents(db, nord[0], {EV: (True, date(2025, 1, 2))}, today=TODAY)
    privacy.save_consents(db, nord[1], {EV: (True, date(2025, 1, 2))}, today=TODAY)
    privacy.save_consents(db, nord[1], {EV: (False, date(2025, 6, 1))}, today=TODAY)
    privacy.save_consents(db, nord[2], {FK: (True, date(2025, 1, 2))}, today=TODAY)
    privacy.save_consents(db, sued[0], {EV: (True, date(2025, 1, 2))}, today=TODAY)
    privacy.save_consents(db, invented, {EV: (True, date(2025, 1, 2))}, today=TODAY)
    for teams in (["Team Nord"], ["Team Süd"], ["Team Nord", "Team Süd"], None):
        codes = storage.family_list.codes(db, teams)
        assert storage.family_list.code_count(db, teams) == len(codes)
        for purpose in (EV, FK):
            listed = privacy.consenting_family_ids(db, purpose, codes["id"].tolist(), on=TODAY)
            assert privacy.consenting_count(db, purpose, teams, on=TODAY) == len(listed)
    assert privacy.consenting_count(db, EV, ["Team Nord"], on=TODAY) == 1  # one withdrew
    assert privacy.consenting_count(db, EV, None, on=TODAY) == 2  # the archetype never
    assert privacy.consenting_count(db, EV, ["Team Nord"], on=date(2025, 3, 1)) == 2
    assert storage.family_list.code_count(db, None) == 5
