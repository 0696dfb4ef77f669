"""Numbers, months, dates and plurals as a reader of the interface language writes them.

One place, backed by Babel's CLDR data, instead of hand-made month lists and
``replace(",", ".")`` tricks: "März 2025", "6.999.800", "1,5 MB", "07.12.2026",
"1 Familie" / "2 Familien". The language is the one of the texts (``ZUGANGSATLAS_LANG``,
German by default), so an English folder of texts also gets English months and numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from journeys.i18n import current_language, t

# Stored moments are UTC; people read them on the wall clock of the office (German
# Jobcenters), daylight saving time included.
OFFICE_ZONE = ZoneInfo("Europe/Berlin")

# The region whose conventions go with each language of the texts.
_REGIONS = {"de": "de_DE", "en": "en_GB"}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(_REGIONS.get(language, language))


def locale() -> Locale:
    """The Babel locale of the interface language (``de_DE`` by default)."""
    return _locale(current_language())


def number(value: float, *, decimals: int = 0) -> str:
    """``6999800`` as ``6.999.800``; with ``decimals=1`` ``2.5`` as ``2,5``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale())


def megabytes(size_bytes: int) -> str:
    """A file size in MB with one decimal: ``1572864`` as ``1,5 MB``."""
    return f"{number(size_bytes / 1_048_576, decimals=1)} MB"


def month_label(month: str) -> str:
    """A ``YYYY-MM`` month as ``März 2025`` (month name as it stands alone)."""
    year, number_ = month.split("-")
    return format_date(date(int(year), int(number_), 1), "LLLL yyyy", locale=locale())


def month_name(number_: int) -> str:
    """The name of month ``3`` as it stands alone: ``März``."""
    return format_date(date(2000, number_, 1), "LLLL", locale=locale())


def day(value: date) -> str:
    """A day as ``07.12.2026``."""
    return format_date(value, "dd.MM.yyyy", locale=locale())


def office_time(value: datetime | str) -> datetime:
    """A stored moment (ISO text or datetime; without a zone it is UTC) on the office clock."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OFFICE_ZONE)


def day_and_time(value: datetime | str | None, *, seconds: bool = False) -> str:
    """A stored moment on the office clock: ``07.12.2026, 14:32`` (``14:32:05``); empty
    for none. ``2026-07-01T12:00:00+00:00`` reads ``01.07.2026, 14:00`` (summer time)."""
    if value is None or value == "":
        return ""
    pattern = "dd.MM.yyyy, HH:mm" + (":ss" if seconds else "")
    return format_datetime(office_time(value), pattern, locale=locale())


def plural_form(count: float) -> str:
    """The CLDR plural category of ``count`` in the interface language: ``one``, ``other`` …"""
    return locale().plural_form(count)


def counted(count: int, one: str, other: str, /, **values: object) -> str:
    """The text for one (key ``one``) or for more (key ``other``), ``{n}`` written out.

    By the language's plural rule (CLDR), not by ``count == 1``:
    ``counted(1, "signin.seconds_one", "signin.seconds")`` → "1 Sekunde",
    ``counted(1200, …)`` → "1.200 Sekunden". Languages with more forms (``few``,
    ``many``) use ``other`` for them.
    """
    key = one if plural_form(count) == "one" else other
    return t(key, n=number(count), **values)
