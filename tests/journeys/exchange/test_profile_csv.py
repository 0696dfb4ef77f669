"""Sozialraum profiles from a table: German numbers and columns read, every problem named
by row and column, nothing returned (so nothing stored) from a table with a problem."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from journeys import storage
from journeys.exchange.profile_csv import ProfileTableError, profiles_csv, read_profiles
from journeys.models.sozialraum import SozialraumProfile

KNOWN = ["Everswinkel", "Ennigerloh", "Kreis Warendorf"]

# The Mülheim table of the seed documents (Styrum against the whole city), under a demo
# Sozialraum's name; German numbers, one year and source for the row.
MUELHEIM = (
    "Sozialraum;Einwohner;Einwohner unter 65;SGB-II-Leistungsberechtigte;SGB-II-Quote (%);"
    "Jahr;Quelle;Vergleichswert\n"
    "Everswinkel;15.921;13.087;3.782;28,9 %;2023;Stadt Mülheim an der Ruhr;\n"
    "Mülheim an der Ruhr gesamt;172.000;;;15,9;31.12.2023;Bundesagentur für Arbeit;ja\n"
)


def read(text: str, name: str = "profile.csv") -> list[SozialraumProfile]:
    return read_profiles(text.encode("utf-8"), name, known=KNOWN)


def problems(text: str) -> list[str]:
    with pytest.raises(ProfileTableError) as caught:
        read(text)
    return caught.value.problems


def test_the_muelheim_table_is_read_with_german_numbers() -> None:
    styrum, city = read(MUELHEIM)
    assert (styrum.inhabitants, styrum.under_65, styrum.recipients, styrum.quota) == (
        15921,
        13087,
        3782,
        28.9,
    )
    assert (styrum.quota_year, styrum.quota_source) == (2023, "Stadt Mülheim an der Ruhr")
    assert not styrum.whole_area
    assert (city.sozialraum, city.quota, city.quota_year, city.whole_area) == (
        "Mülheim an der Ruhr gesamt",
        15.9,
        2023,
        True,
    )
    assert city.recipients is None


def test_columns_of_their_own_give_each_figure_its_year_and_source() -> None:
    (profile,) = read(
        "Stadtteil,Einwohner,Einwohner Jahr,SGB II Quote,SGB-II-Quote Stand,"
        "SGB-II-Quote Quelle\n"
        'Ennigerloh,"19.500",2022,12.4,12/2023,BA-Statistik\n'
    )
    assert (profile.inhabitants, profile.inhabitants_year, profile.inhabitants_source) == (
        19500,
        2022,
        "",
    )
    assert (profile.quota, profile.quota_year, profile.quota_source) == (
        12.4,
        2023,
        "BA-Statistik",
    )


def test_the_export_reads_back_as_the_same_profiles() -> None:
    profiles = read(MUELHEIM)
    assert read_profiles(profiles_csv(profiles), "export.csv", known=KNOWN) == profiles


def test_the_empty_template_has_the_german_columns() -> None:
    header = profiles_csv([]).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Sozialraum;Einwohner;Einwohner Jahr;Einwohner Quelle;")
    assert "SGB-II-Quote (%);SGB-II-Quote Jahr;SGB-II-Quote Quelle;Vergleichswert" in header


def test_every_bad_row_is_named_by_row_and_column() -> None:
    found = problems(
        "Sozialraum;Einwohner;SGB-II-Leistungsberechtigte;SGB-II-Quote;Jahr\n"
        "Everswinkel;100;3.782;128,9;2023\n"
        "Styrum;1;1;1;2023\n"
        "Ennigerloh;viele;;;\n"
        ";;;12;\n"
        "Everswinkel;1;1;1;2023\n"
        "Kreis Warendorf;1000;10;1;1850\n"
    )
    assert found == [
        "Zeile 2 („Everswinkel“): SGB-II-Quote (%): Die Quote muss zwischen 0 und 100 liegen.",
        "Zeile 2 („Everswinkel“): SGB-II-Leistungsberechtigte: Die Zahl ist größer als "
        "„Einwohnerinnen und Einwohner“. Bitte prüfen.",
        "Zeile 3: „Styrum“ gibt es als Sozialraum nicht in den Daten. Bitte zuerst als "
        "Sozialraum anlegen, den Namen anpassen oder die Zeile als Vergleichswert (ganzes "
        "Gebiet) markieren.",
        "Zeile 4, Spalte „Einwohner“: „viele“ ist keine ganze Zahl (z. B. 15.921).",
        "Zeile 5: Der Name des Sozialraums fehlt.",
        "Zeile 6: „Everswinkel“ steht schon in Zeile 2. Jeder Sozialraum darf nur einmal "
        "vorkommen.",
    ] + [
        f"Zeile 7 („Kreis Warendorf“): {field}: Das Jahr 1850 ist nicht plausibel "
        f"(erlaubt: 1990 bis {date.today().year + 1})."
        for field in (
            "Einwohnerinnen und Einwohner",
            "SGB-II-Leistungsberechtigte",
            "SGB-II-Quote (%)",
        )
    ]


def test_a_figure_without_a_year_is_refused_naming_the_field() -> None:
    assert problems("Sozialraum;Einwohner\nEverswinkel;15.921\n") == [
        "Zeile 2 („Everswinkel“): Einwohnerinnen und Einwohner: Bitte das Jahr angeben, "
        "aus dem die Zahl stammt."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name des Ortes;Zahl\nEverswinkel;1\n", "keine Spalte mit dem Namen des Sozialraums"),
        ("Sozialraum;Bemerkung\nEverswinkel;ruhig\n", "keine Spalte mit Zahlen"),
        ("", "Die Datei ist leer"),
    ],
)
def test_a_table_without_the_columns_says_which_are_expected(text: str, expected: str) -> None:
    assert any(expected in problem for problem in problems(text))


def test_a_bad_table_stores_nothing(db: Database) -> None:
    storage.load_reference_defaults(db)
    storage.sozialraum_profiles.save_profiles(db, read(MUELHEIM))
    with pytest.raises(ProfileTableError):
        storage.sozialraum_profiles.save_profiles(
            db, read("Sozialraum;Einwohner;Jahr\nEnnigerloh;1;2023\nStyrum;2;2023\n")
        )
    assert [p.sozialraum for p in storage.sozialraum_profiles.list_profiles(db)] == [
        "Everswinkel",
        "Mülheim an der Ruhr gesamt",
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([*KNOWN, "Styrum", ""]),
            st.text(alphabet="0123456789.,% -x", max_size=9),
            st.text(alphabet="0123456789.,% -x", max_size=7),
            st.text(alphabet="0123456789./-", max_size=10),
        ),
        max_size=6,
    )
)
def test_any_table_gives_plausible_profiles_or_german_problems(rows: list[tuple]) -> None:
    text = "Sozialraum;Einwohner;SGB-II-Quote;Jahr\n" + "".join(
        ";".join(row) + "\n" for row in rows
    )
    try:
        profiles = read(text)
    except ProfileTableError as error:
        assert error.problems and all(problem.strip() for problem in error.problems)
        return
    for profile in profiles:
        assert profile.sozialraum in KNOWN
        assert profile.quota is None or 0 <= profile.quota <= 100
