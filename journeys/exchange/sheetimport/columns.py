"""The fields of a spreadsheet row and the mapping of the file's columns to them: headers
recognised in German and English (case, umlauts, spaces and punctuation ignored), and the
everyday words accepted for the fixed value lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from enum import StrEnum

from journeys.exchange.sheetimport.problems import Problems
from journeys.exchange.sheetimport.read import Sheet
from journeys.i18n import t
from journeys.models import (
    Channel,
    HouseholdType,
    Outcome,
    Role,
    TagStatus,
)

# The fields of a row, in the order the mapping step shows them.
FIELDS: tuple[str, ...] = (
    "fallcode",
    "familie",
    "sozialraum",
    "haushaltsform",
    "rolle",
    "altersgruppe",
    "phase",
    "dienst",
    "kanal",
    "monat",
    "ergebnis",
    "barriere",
    "schwere",
    "status",
    "erkannt_am",
    "verringert_am",
    "beseitigt_am",
    "notiz",
)
# Without these a row cannot become a family, step and tag (plus Fallcode or Familie).
REQUIRED: tuple[str, ...] = ("sozialraum", "haushaltsform", "rolle", "phase", "monat", "barriere")
TAG_DETAILS: tuple[str, ...] = (
    "schwere",
    "status",
    "erkannt_am",
    "verringert_am",
    "beseitigt_am",
    "notiz",
)


# Headers recognised per field, German and English; compared without case, umlauts,
# spaces or punctuation. The first three are named when a required column is missing.
def _names(text: str) -> tuple[str, ...]:
    """Header names written as "a|b|c": one line per field instead of one per name."""
    return tuple(text.split("|"))


HEADERS: dict[str, tuple[str, ...]] = {
    "fallcode": _names(
        "Fallcode|Code|case_id|Fall|Fallnummer|Case|"
        "Case code|BG|BG-Nummer|Bedarfsgemeinschaft|Kennung|Pseudonym"
    ),
    "familie": _names("Familie|family|Familienbezeichnung|Family label|Haushalt Nr"),
    "sozialraum": _names(
        "Sozialraum|Quartier|neighbourhood|Stadtteil|Gemeinde|Ort|neighborhood|area|district"
    ),
    "haushaltsform": _names(
        "Haushaltsform|Haushaltstyp|household|Haushalt|household type|Familienform"
    ),
    "rolle": _names(
        "Rolle|Person|role|Mitglied|"
        "Familienmitglied|betroffen|betroffene Person|member|family member"
    ),
    "altersgruppe": _names("Altersgruppe|Alter|age group|age band|age|Altersband"),
    "phase": _names("Phase|Stufe|stage|Abschnitt|journey stage"),
    "dienst": _names(
        "Hilfeangebot|Dienst|service|Angebot|Akteur|Stelle|Einrichtung|provider|agency"
    ),
    "kanal": _names("Kanal|Kontaktweg|channel|Zugangsweg|contact channel"),
    "monat": _names("Monat|Datum|month|date|Zeitpunkt|period"),
    "ergebnis": _names("Ergebnis|Ausgang|outcome|result"),
    "barriere": _names(
        "Barriere|Zugangsbarriere|barrier|Hürde|Barriere-Schlüssel|barrier key|obstacle"
    ),
    "schwere": _names("Schwere|Schweregrad|severity|Gewicht|weight"),
    "status": _names("Status|Stand|state"),
    "erkannt_am": _names("erkannt am|erkannt|identified on|identified|seit|detected|identified_on"),
    "verringert_am": _names("verringert am|verringert|reduced on|reduced|reduced_on"),
    "beseitigt_am": _names(
        "beseitigt am|beseitigt|removed on|removed|gelöst am|resolved|removed_on"
    ),
    "notiz": _names(
        "Notiz|Bemerkung|note|Notizen|Anmerkung|Kommentar|notes|comment|remarks|Bemerkungen"
    ),
}

# English and everyday words for the fixed value lists (keys and German labels always work).
ENUM_WORDS: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        "mother": "mutter",
        "mum": "mutter",
        "mom": "mutter",
        "father": "vater",
        "dad": "vater",
        "child": "kind",
        "kid": "kind",
        "sohn": "kind",
        "tochter": "kind",
        "son": "kind",
        "daughter": "kind",
        "weitere": "weitere",
        "other": "weitere",
        "andere": "weitere",
        "sonstige": "weitere",
    },
    HouseholdType: {
        "single parent": "alleinerziehend",
        "lone parent": "alleinerziehend",
        "couple with children": "paar_mit_kindern",
        "couple without children": "paar_ohne_kinder",
        "single": "alleinstehend",
        "other": "sonstige",
    },
    Channel: {
        "in person": "persoenlich",
        "face to face": "persoenlich",
        "phone": "telefon",
        "telephone": "telefon",
        "letter": "brief",
        "post": "brief",
        "online portal": "online",
        "portal": "online",
        "home visit": "hausbesuch",
        "outreach": "aufsuchend",
    },
    Outcome: {
        "reached": "erreicht",
        "referred": "verwiesen",
        "waiting": "wartet",
        "dropped": "abgebrochen",
        "cancelled": "abgebrochen",
        "canceled": "abgebrochen",
        "aborted": "abgebrochen",
        "contact lost": "kontaktabbruch",
        "lost contact": "kontaktabbruch",
    },
    TagStatus: {
        "identified": "erkannt",
        "open": "erkannt",
        "offen": "erkannt",
        "reduced": "verringert",
        "removed": "beseitigt",
        "resolved": "beseitigt",
        "geloest": "beseitigt",
    },
}
AGE_WORDS = {"65 und aelter": "65+", "ab 65": "65+", "65 plus": "65+", "65 and over": "65+"}
DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})


# ---------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents dropped, spaces collapsed: how two spellings
    of the same word ("Öffnungszeiten", "oeffnungszeiten") become equal."""
    text = text.casefold()
    if not text.isascii():
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
        text = unicodedata.normalize("NFKD", text.translate(DASHES))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """``fold`` without spaces and punctuation (``+`` stays, for "65+"): for headers and
    value lists, where "Online-Portal" and "online portal" mean the same."""
    return re.sub(r"[^a-z0-9+]", "", fold(text))


# ---------------------------------------------------------------- column mapping


def field_label(name: str) -> str:
    """The German name of a field for the mapping step ("Barriere")."""
    return t(f"sheetimport.field.{name}")


def field_hint(name: str) -> str:
    """What the field expects, for the mapping step."""
    return t(f"sheetimport.hint.{name}")


def suggest_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """For every field, the column whose header names it (German or English, case, umlauts
    and punctuation ignored), or ``None``. Exact names win over headers that merely start
    with a name ("Barriere (Schlüssel)"); no column is proposed for two fields."""
    squeezed = {column: squeeze(column) for column in columns}
    mapping: dict[str, str | None] = dict.fromkeys(FIELDS)
    used: set[str] = set()
    for exact in (True, False):
        for name in FIELDS:
            if mapping[name] is not None:
                continue
            for alias in (squeeze(h) for h in HEADERS[name]):
                match = next(
                    (
                        c
                        for c in columns
                        if c not in used
                        and (
                            squeezed[c] == alias
                            or (not exact and len(alias) >= 4 and squeezed[c].startswith(alias))
                        )
                    ),
                    None,
                )
                if match is not None:
                    mapping[name] = match
                    used.add(match)
                    break
    return mapping


def check_mapping(
    sheet: Sheet, mapping: Mapping[str, str | None], problems: Problems
) -> dict[str, str]:
    """The mapping restricted to fields with a column; missing required columns, columns
    not in the file and columns given to two fields are problems."""
    chosen = {name: column for name, column in mapping.items() if column and name in FIELDS}
    for column in chosen.values():
        if column not in sheet.frame.columns:
            problems.whole_file(t("sheetimport.unknown_column", column=column))
    by_column: dict[str, list[str]] = {}
    for name, column in chosen.items():
        by_column.setdefault(column, []).append(field_label(name))
    for column, names in by_column.items():
        if len(names) > 1:
            problems.whole_file(
                t("sheetimport.column_twice", column=column, fields=", ".join(names))
            )
    if "fallcode" not in chosen and "familie" not in chosen:
        problems.whole_file(t("sheetimport.missing_family_column"))
    for name in REQUIRED:
        if name not in chosen:
            examples = ", ".join(f"„{h}“" for h in HEADERS[name][:3])
            problems.whole_file(
                t("sheetimport.missing_column", field=field_label(name), examples=examples)
            )
    return chosen
