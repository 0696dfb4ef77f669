"""Sozialraum profiles from and to a table (CSV or XLSX) with German column names.

A city's Sozialraum table has one row per Sozialraum: inhabitants, inhabitants under 65,
SGB II recipients and the SGB II quota, each with its year and source. The columns are
found by their German names in the usual spellings ("Einwohner", "SGB-II-Quote (%)",
"SGB II Quote Jahr" …); a column "Jahr" or "Quelle" holds the year or source of every
figure of its row that has none of its own. Numbers are read as Germans write them
(``15.921``, ``28,9 %``; a quota ``28.9`` too). Every problem is reported with its row
(as the spreadsheet shows it) and column; a file with any problem yields nothing, so
nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd
from pydantic import ValidationError

from journeys.documents.csv_safe import csv_bytes
from journeys.errors import InputError, german_reason
from journeys.exchange.sheetimport.columns import squeeze
from journeys.exchange.sheetimport.read import read_sheet
from journeys.i18n import t
from journeys.models.sozialraum import FIGURES, SozialraumProfile

__all__ = [
    "ProfileTableError",
    "parse_count",
    "parse_decimal",
    "parse_year",
    "profiles_csv",
    "read_profiles",
]

SHOWN = 30

# The spellings of each figure's column (compared squeezed: case, spaces, dashes and
# brackets do not matter). The first is the one the template and the export write.
ALIASES: dict[str, tuple[str, ...]] = {
    "sozialraum": ("Sozialraum", "Stadtteil", "Planungsraum", "Ortsteil", "Name"),
    "inhabitants": ("Einwohner", "Einwohnerinnen und Einwohner", "Einwohnerzahl", "Bevölkerung"),
    "under_65": (
        "Einwohner unter 65",
        "Einwohnerinnen und Einwohner unter 65",
        "unter 65",
        "Bevölkerung unter 65",
        "Einwohner unter 65 Jahren",
    ),
    "recipients": (
        "SGB-II-Leistungsberechtigte",
        "Leistungsberechtigte",
        "SGB-II-Empfänger",
        "Leistungsberechtigte nach dem SGB II",
    ),
    "quota": ("SGB-II-Quote (%)", "SGB-II-Quote", "Quote", "SGB-II-Quote in %"),
    "whole_area": ("Vergleichswert", "Gesamtgebiet", "Gesamt"),
}
YEAR_WORDS = ("jahr", "stand")
SOURCE_WORDS = ("quelle",)
YES = {"ja", "x", "1", "wahr", "true", "yes"}
NO = {"", "nein", "0", "falsch", "false", "no"}


class ProfileTableError(InputError):
    """The table was not imported; ``problems`` lists every reason, one German line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:SHOWN]
        if len(problems) > SHOWN:
            self.problems.append(t("sozialraum.csv.more", n=len(problems) - SHOWN))
        super().__init__("\n".join(self.problems))


def _column_field(header: str) -> str | None:
    """The field a column holds: ``inhabitants``, ``inhabitants_year``, ``year`` (every
    figure of the row), ``source`` …; ``None`` for a column the import does not know."""
    key = squeeze(header)
    if key in YEAR_WORDS:
        return "year"
    if key in SOURCE_WORDS:
        return "source"
    for field, names in ALIASES.items():
        for name in names:
            alias = squeeze(name)
            if key == alias:
                return field
            if field in FIGURES:
                if any(key == alias + word for word in YEAR_WORDS):
                    return f"{field}_year"
                if any(key == alias + word for word in SOURCE_WORDS):
                    return f"{field}_source"
    return None


def parse_count(text: str) -> int:
    """A whole number as Germans write it: 15.921, 15 921, 15921."""
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    elif re.fullmatch(r"\d+[.,]0+", cleaned):  # 15921.0 from a spreadsheet cell
        cleaned = re.split(r"[.,]", cleaned)[0]
    if not re.fullmatch(r"[0-9]+", cleaned):
        raise ValueError(t("sozialraum.csv.not_count", value=text))
    return int(cleaned)


def parse_decimal(text: str) -> float:
    """A quota as Germans write it: 28,9 or 28,9 % (a decimal point is accepted too)."""
    cleaned = text.replace("%", "").replace("\xa0", "").replace(" ", "").strip()
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
        raise ValueError(t("sozialraum.csv.not_number", value=text))
    return float(cleaned)


def parse_year(text: str) -> int:
    """A year, or the year of a date ("31.12.2023", "2023-12-31", "12/2023")."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}(\.0+)?", cleaned):
        return int(cleaned[:4])
    found = re.fullmatch(r"(?:\d{1,2}\.)?\d{1,2}[./](\d{4})|(\d{4})-\d{2}(?:-\d{2})?", cleaned)
    if found:
        return int(found.group(1) or found.group(2))
    raise ValueError(t("sozialraum.csv.not_year", value=text))


def _flag(text: str) -> bool:
    folded = squeeze(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(t("sozialraum.csv.not_flag", value=text))


def _parser(field: str) -> Callable[[str], object]:
    if field in ("inhabitants", "under_65", "recipients"):
        return parse_count
    if field == "quota":
        return parse_decimal
    if field.endswith("_year") or field == "year":
        return parse_year
    if field == "whole_area":
        return _flag
    return str


def read_profiles(data: bytes, filename: str, *, known: Iterable[str]) -> list[SozialraumProfile]:
    """The profiles of a CSV or XLSX table; raises ``ProfileTableError`` naming every problem
    by row and column. ``known`` are the Sozialräume of the data: a row naming another is a
    problem (except the one row marked as the comparison value of the whole area)."""
    sheet = read_sheet(data, filename)
    if sheet.problems:
        raise ProfileTableError([str(problem) for problem in sheet.problems])
    columns = {header: _column_field(header) for header in sheet.columns}
    if "sozialraum" not in columns.values():
        raise ProfileTableError(
            [t("sozialraum.csv.no_name_column", names=", ".join(ALIASES["sozialraum"]))]
        )
    if not any(field in FIGURES for field in columns.values()):
        raise ProfileTableError([t("sozialraum.csv.no_figure_column")])
    known_names = set(known)
    problems: list[str] = []
    profiles: list[SozialraumProfile] = []
    seen: dict[str, int] = {}
    for row_number, row in sheet.frame.iterrows():
        values: dict[str, object] = {}
        for header, field in columns.items():
            text = str(row[header]).strip()
            if field is None or not text:
                continue
            try:
                values[field] = _parser(field)(text)
            except ValueError as exc:
                problems.append(
                    t("sozialraum.csv.cell", row=row_number, column=header, reason=str(exc))
                )
        name = str(values.get("sozialraum", "")).strip()
        if not name:
            if any(str(value).strip() for value in row):
                problems.append(t("sozialraum.csv.name_missing", row=row_number))
            continue
        if name in seen:
            problems.append(t("sozialraum.csv.twice", row=row_number, name=name, first=seen[name]))
            continue
        seen[name] = int(row_number)
        if not values.get("whole_area") and name not in known_names:
            problems.append(t("sozialraum.csv.unknown", row=row_number, name=name))
            continue
        year, source = values.pop("year", None), values.pop("source", "")
        for figure in FIGURES:
            if figure in values:
                values.setdefault(f"{figure}_year", year)
                values.setdefault(f"{figure}_source", source)
        try:
            profiles.append(SozialraumProfile.model_validate(values))
        except ValidationError as exc:
            for error in exc.errors():
                for line in german_reason(error).splitlines():
                    problems.append(t("sozialraum.csv.row", row=row_number, name=name, reason=line))
    if problems:
        raise ProfileTableError(problems)
    if sum(profile.whole_area for profile in profiles) > 1:
        raise ProfileTableError([t("sozialraum.csv.two_whole_areas")])
    if not profiles:
        raise ProfileTableError([t("sozialraum.csv.no_rows")])
    return profiles


def _base(figure: str) -> str:
    return ALIASES[figure][0].removesuffix(" (%)")


def _heading(field: str) -> str:
    """The column name the template and the export write for ``field``."""
    for figure in FIGURES:
        if field == f"{figure}_year":
            return f"{_base(figure)} {t('sozialraum.csv.year_word')}"
        if field == f"{figure}_source":
            return f"{_base(figure)} {t('sozialraum.csv.source_word')}"
    return ALIASES[field][0]


def profiles_csv(profiles: Iterable[SozialraumProfile]) -> bytes:
    """The profiles as a CSV for German Excel, in the columns ``read_profiles`` reads (with
    no profiles: the empty template)."""
    fields = ["sozialraum"]
    for figure in FIGURES:
        fields += [figure, f"{figure}_year", f"{figure}_source"]
    fields.append("whole_area")
    rows = [
        {
            _heading(field): (
                (t("common.yes") if profile.whole_area else t("common.no"))
                if field == "whole_area"
                else getattr(profile, field)
            )
            for field in fields
        }
        for profile in profiles
    ]
    frame = pd.DataFrame(rows, columns=[_heading(field) for field in fields])
    for figure in ("inhabitants", "under_65", "recipients"):
        frame[_heading(figure)] = frame[_heading(figure)].astype("Int64")
        frame[_heading(f"{figure}_year")] = frame[_heading(f"{figure}_year")].astype("Int64")
    frame[_heading("quota_year")] = frame[_heading("quota_year")].astype("Int64")
    return csv_bytes(frame)
