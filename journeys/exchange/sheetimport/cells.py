"""The cell values of a spreadsheet: one parser per field (fixed value lists, roles with
age bands, months, dates, severities, case codes, texts) and the matching of stages,
barriers and Sozialräume against the stored reference data, with suggestions for an
unknown value. Each distinct value of a column is parsed once, not each cell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from journeys import storage
from journeys.exchange.sheetimport.columns import AGE_WORDS, ENUM_WORDS, fold, squeeze
from journeys.exchange.sheetimport.problems import CellError, Problems
from journeys.i18n import t
from journeys.models import (
    CODE_PATTERN,
    AgeBand,
    Channel,
    HouseholdType,
    Outcome,
    Role,
    TagStatus,
)

NAME_LIMIT = 120
NOTE_LIMIT = 2000


# ---------------------------------------------------------------- cell values


def _enum_parser(enum: type[StrEnum]) -> Callable[[str], Any]:
    """A parser for a fixed value list: key, German label or an everyday English word."""
    table: dict[str, Any] = {}
    for member in enum:
        table[squeeze(member.value)] = member
        table[squeeze(getattr(member, "label", member.value))] = member
    for word, value in ENUM_WORDS.get(enum, {}).items():
        table.setdefault(squeeze(word), enum(value))
    accepted = ", ".join(getattr(m, "label", m.value) for m in enum)

    def parse(value: str) -> Any:
        found = table.get(squeeze(value))
        if found is None:
            raise CellError(t("sheetimport.unknown_value", value=value, accepted=accepted))
        return found

    return parse


def _age_table() -> dict[str, AgeBand]:
    table: dict[str, AgeBand] = {}
    for band in AgeBand:
        for text in (band.value, band.label, f"{band.value} Jahre", f"{band.value} years"):
            table[squeeze(text)] = band
    for word, value in AGE_WORDS.items():
        table[squeeze(word)] = AgeBand(value)
    return table


AGES = _age_table()
AGE_ACCEPTED = ", ".join(band.value for band in AgeBand)
ROLE_WITH_AGE = re.compile(r"^(?P<role>[^(,;]+?)\s*[(,;]\s*(?P<age>[^)]*?)\s*\)?$")


def _parse_age(value: str) -> AgeBand:
    band = AGES.get(squeeze(value))
    if band is None:
        raise CellError(t("sheetimport.unknown_value", value=value, accepted=AGE_ACCEPTED))
    return band


_parse_role_only = _enum_parser(Role)


# What the app itself writes for a barrier of the whole family (journey page, CSV exports).
WHOLE_FAMILY = frozenset({"ganze familie", "familie", "whole family", "family", "alle"})


def _parse_role(value: str) -> tuple[Role, AgeBand | None] | None:
    """A role, optionally with its age band as the member label shows it: "Mutter (35–49)".

    "ganze Familie" (as the app writes it) means no member: the barrier is the family's.
    """
    if fold(value) in WHOLE_FAMILY:
        return None
    match = ROLE_WITH_AGE.match(value)
    if match:
        return _parse_role_only(match["role"]), _parse_age(match["age"])
    return _parse_role_only(value), None


MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T][\d:.]+)?$")
MONTH_GERMAN = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})[./](\d{4})$")
MONTH_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")


def _parse_month(value: str) -> str:
    """ "2025-03", "2025-03-15", "03/2025", "3.2025" or "15.03.2025" → "2025-03"."""
    iso = MONTH_ISO.match(value)
    german = MONTH_GERMAN.match(value)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), iso[3]
    elif german:
        year, month, day = int(german[3]), int(german[2]), german[1]
    else:
        raise CellError(t("sheetimport.bad_month", value=value))
    try:
        date(year, month, int(day or 1))
    except ValueError as exc:
        raise CellError(t("sheetimport.bad_month", value=value)) from exc
    if not 1900 <= year <= 2099:
        raise CellError(t("sheetimport.bad_month", value=value))
    return f"{year:04d}-{month:02d}"


DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
DATE_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _parse_date(value: str) -> date:
    """ "2025-03-15" (also with a time, as Excel dates arrive) or "15.03.2025"."""
    iso, german = DATE_ISO.match(value), DATE_GERMAN.match(value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
    except ValueError:
        pass
    raise CellError(t("sheetimport.bad_date", value=value))


SEVERITY = re.compile(r"^([1-3])(?:[.,]0+)?$")


def _parse_severity(value: str) -> int:
    match = SEVERITY.match(value)
    if not match:
        raise CellError(t("sheetimport.bad_severity", value=value))
    return int(match[1])


def _parse_service(value: str) -> tuple[str, str]:
    """A service name as (folded, as typed): it is matched later, in the family's
    Sozialraum, and created under the name as typed if the catalogue lacks it."""
    if len(value) > NAME_LIMIT:
        raise CellError(t("sheetimport.too_long", found=len(value), limit=NAME_LIMIT))
    return fold(value), value


def _parse_code(value: str) -> str:
    code = value.upper()
    if not re.fullmatch(CODE_PATTERN, code):
        raise CellError(t("sheetimport.bad_code", value=value))
    return code


def _text_parser(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(t("sheetimport.too_long", found=len(value), limit=limit))
        return value

    return parse


@dataclass
class Reference:
    """The stored reference data the rows are matched against."""

    stages: dict[str, str]
    stage_labels: dict[str, str]
    barriers: dict[str, str]
    barrier_labels: dict[str, str]
    sozialraeume: dict[str, str]
    services: dict[tuple[str, str], int]
    service_names: dict[str, set[int]]
    next_service_id: int

    @classmethod
    def read(cls, db: Database) -> Reference:
        stages = storage.list_stages(db, include_retired=True)
        taxonomy = storage.get_taxonomy(db)
        services = storage.list_services(db, include_retired=True)
        barriers: dict[str, str] = {}
        short = [b.key.split(".", 1)[1] for b in taxonomy.barriers]
        for barrier in taxonomy.barriers:
            barriers[fold(barrier.key)] = barrier.key
            barriers.setdefault(fold(barrier.label), barrier.key)
            second = barrier.key.split(".", 1)[1]
            if short.count(second) == 1:
                barriers.setdefault(second, barrier.key)
        stage_map: dict[str, str] = {}
        for stage in stages:
            stage_map[fold(stage.key)] = stage.key
            stage_map.setdefault(fold(stage.label), stage.key)
        names: dict[str, set[int]] = {}
        for service in services:
            names.setdefault(fold(service.name), set()).add(service.id or 0)
        return cls(
            stages=stage_map,
            stage_labels={s.key: s.label for s in stages if not s.retired},
            barriers=barriers,
            barrier_labels={b.key: b.label for b in taxonomy.barriers if not b.retired},
            sozialraeume={fold(name): name for name in storage.list_sozialraeume(db)}
            | {fold(s.sozialraum): s.sozialraum for s in services},
            services={(s.sozialraum, fold(s.name)): s.id or 0 for s in services},
            service_names=names,
            next_service_id=max((s.id or 0 for s in services), default=0) + 1,
        )

    def stage(self, value: str) -> str:
        key = self.stages.get(fold(value))
        if key is None:
            hint = self._suggest(value, self.stage_labels)
            if not hint:
                accepted = ", ".join(self.stage_labels.values())
                hint = t("sheetimport.no_stage_suggestion", accepted=accepted)
            raise CellError(t("sheetimport.unknown_stage", value=value, hint=hint))
        return key

    def barrier(self, value: str) -> str:
        key = self.barriers.get(fold(value))
        if key is None:
            hint = self._suggest(value, self.barrier_labels) or t("sheetimport.no_suggestion")
            raise CellError(t("sheetimport.unknown_barrier", value=value, hint=hint))
        return key

    def sozialraum(self, value: str) -> str:
        if len(value) > NAME_LIMIT:
            raise CellError(t("sheetimport.too_long", found=len(value), limit=NAME_LIMIT))
        return self.sozialraeume.get(fold(value), value)

    @staticmethod
    def _suggest(value: str, labels: Mapping[str, str]) -> str:
        """Up to three close keys or labels: similar spelling first, then shared word stems
        ("Sprachprobleme" → sprache.deutsch)."""
        folded = fold(value)
        candidates: dict[str, str] = {}
        for key, label in labels.items():
            candidates.setdefault(fold(label), key)
            candidates.setdefault(key, key)
            candidates.setdefault(key.rsplit(".", 1)[-1], key)
        found = [candidates[c] for c in difflib.get_close_matches(folded, candidates, 3, 0.6)]
        stems = [word[:5] for word in re.findall(r"[a-z]+", folded) if len(word) >= 5]
        for key, label in labels.items():
            haystack = f"{key} {fold(label)}"
            if any(stem in haystack for stem in stems):
                found.append(key)
        chosen = list(dict.fromkeys(found))[:3]
        if not chosen:
            return ""
        shown = ", ".join(f"{labels[k]} ({k})" if labels[k] != k else k for k in chosen)
        return t("sheetimport.did_you_mean", suggestions=shown)


def field_parsers(ref: Reference) -> dict[str, Callable[[str], Any]]:
    """The parser of every field (services are matched later, with the family's Sozialraum)."""
    return {
        "fallcode": _parse_code,
        "familie": _text_parser(NAME_LIMIT),
        "sozialraum": ref.sozialraum,
        "haushaltsform": _enum_parser(HouseholdType),
        "rolle": _parse_role,
        "altersgruppe": _parse_age,
        "phase": ref.stage,
        "dienst": _parse_service,
        "kanal": _enum_parser(Channel),
        "monat": _parse_month,
        "ergebnis": _enum_parser(Outcome),
        "barriere": ref.barrier,
        "schwere": _parse_severity,
        "status": _enum_parser(TagStatus),
        "erkannt_am": _parse_date,
        "verringert_am": _parse_date,
        "beseitigt_am": _parse_date,
        "notiz": _text_parser(NOTE_LIMIT),
    }


def parse_column(
    series: pd.Series, parse: Callable[[str], Any], column: str, problems: Problems
) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct value once: the parsed column (``None`` where empty or bad) and
    a mask of the rows whose value is bad (each bad value reported once, with its rows)."""
    codes, uniques = pd.factorize(series)
    parsed = np.empty(len(uniques), dtype=object)
    broken = np.zeros(len(uniques), dtype=bool)
    messages: list[str] = []
    for i, value in enumerate(uniques):
        try:
            if value == "":
                parsed[i] = None
                continue
            if value.startswith("="):
                raise CellError(t("sheetimport.formula", value=value))
            parsed[i] = parse(value)
        except CellError as exc:
            parsed[i], broken[i] = None, True
            messages.append(exc.message)
    mask = pd.Series(broken[codes], index=series.index)
    if messages:
        bad_codes = np.flatnonzero(broken)
        rows = pd.Series(series.index[mask], dtype=object)
        for code, group in rows.groupby(codes[mask.to_numpy()], sort=False):
            problems.add(group, column, messages[int(np.searchsorted(bad_codes, code))])
    # Parsed values are enums and tuples: kept as objects (pandas would make str of them).
    return objects(parsed[codes], series.index), mask


def objects(values: Iterable[Any], index: pd.Index) -> pd.Series:
    """A column of Python objects (enums, tuples, dates) that pandas leaves as they are."""
    array = np.empty(len(index), dtype=object)
    array[:] = list(values) if not isinstance(values, np.ndarray) else values
    return pd.Series(array, index=index, dtype=object)
