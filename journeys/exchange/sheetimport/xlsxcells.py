"""The text of a workbook cell, as openpyxl's values became in the importer before.

- text cells (shared, inline, rich text runs, formula results of type ``str``) as written;
- numbers: whole numbers without ".0"; a number in a date format as an ISO date
  ("2025-05-20"; with a time of day "2025-05-20 14:30:00"), the same rules as openpyxl;
- booleans as "ja"/"nein", errors as their code ("#DIV/0!");
- a formula cell as its formula text ("=1+1"), never its cached result: the importer
  reports formulas instead of trusting a result nobody checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import Element

from journeys.i18n import t

# Excel's built-in number formats that show a date or time (openpyxl's list); 46 ("[h]:mm:ss")
# is a duration.
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_DURATION_FORMATS = frozenset({46})
_FORMAT_NOISE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
    r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})"
    r"(?P<microsecond>\.\d{1,3})?)?)?Z?"
)
_ISO_DURATION = re.compile(
    r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?"
)
WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)
SECONDS_PER_DAY = 86400


# ---------------------------------------------------------------- cell values


def is_date_format(code: str | None) -> bool:
    """Whether a number format shows a date or time: openpyxl's rule, so a cell reads as
    before (first section only, quoted text and locale/colour brackets ignored)."""
    if code is None:
        return False
    return _DATE_LETTER.search(_FORMAT_NOISE.sub("", code.split(";")[0])) is not None


def is_duration_format(code: str | None) -> bool:
    """Whether a number format shows elapsed time ("[h]:mm:ss")."""
    return code is not None and _DURATION.search(code.split(";")[0]) is not None


def from_excel(value: float, epoch: datetime, duration: bool = False) -> Any:
    """An Excel serial number as a datetime (a time for fractions of a day, a timedelta
    in a duration format), with Excel's fictitious 29 February 1900 as openpyxl has it."""
    if duration:
        span = timedelta(days=value)
        if span.microseconds:
            span = timedelta(
                seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3)
            )
        return span
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + timedelta(days=day) + diff


def from_iso(text: str) -> Any:
    """A cell of type ``d`` (an ISO 8601 date, time or duration, as strict OOXML writes)."""
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts = match.groupdict()
        n = {k: int(parts[k] or 0) for k in ("year", "month", "day", "hour", "minute", "second")}
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return time(n["hour"], n["minute"], n["second"], micro)
        if not parts["time"]:
            return date(n["year"], n["month"], n["day"])
        return datetime(n["year"], n["month"], n["day"], n["hour"], n["minute"], n["second"], micro)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return timedelta(
            hours=parts.get("hours", 0),
            minutes=parts.get("minutes", 0),
            seconds=parts.get("seconds", 0),
        )
    raise ValueError(text)


def temporal_text(value: Any) -> str:
    """A date as "2025-05-20", a date with a time of day as "2025-05-20 14:30:00", a time
    or a duration as Python writes it: what the importer's cell parsers expect."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def number_text(raw: str) -> str:
    """A number cell's text: whole numbers without ".0" (Excel stores 3 as "3" or "3.0")."""
    if "." in raw or "E" in raw or "e" in raw:
        value = float(raw)
        return str(int(value)) if value.is_integer() else str(value)
    return str(int(raw))


@dataclass
class Styles:
    """Which cell styles (by index in ``cellXfs``) show numbers as dates or durations."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()


class CellReader:
    """Turns ``<c>`` elements into texts; holds what every cell needs to know."""

    def __init__(self, ns: str, strings: list[str], styles: Styles, epoch: datetime) -> None:
        self.v, self.f, self.inline = f"{{{ns}}}v", f"{{{ns}}}f", f"{{{ns}}}is"
        self.t, self.r = f"{{{ns}}}t", f"{{{ns}}}r"
        self.strings, self.styles, self.epoch = strings, styles, epoch
        self.yes, self.no = t("common.yes"), t("common.no")
        self.shared_formulas: dict[str | None, tuple[str, str | None]] = {}
        self.dates: dict[tuple[str, bool], str] = {}

    def text(self, cell: Element) -> str:
        kind = cell.get("t", "n")
        raw = formula = inline = None
        for child in cell:
            tag = child.tag
            if tag == self.v:
                raw = child.text
            elif tag == self.f:
                formula = child
            elif tag == self.inline:
                inline = child
        if formula is not None:
            return self.formula(formula, cell.get("r"))
        if kind == "inlineStr":
            return rich_text(inline, self.t, self.r) if inline is not None else ""
        if not raw:
            return ""
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "n":
            style = cell.get("s")
            if style and int(style) in self.styles.dates:
                return self.date(raw, int(style) in self.styles.durations)
            return number_text(raw)
        if kind == "b":
            return self.yes if int(raw) else self.no
        if kind == "d":
            return temporal_text(from_iso(raw))
        return raw  # "str" (a formula's result without its formula), "e" (an error code)

    def date(self, raw: str, duration: bool) -> str:
        """A date cell's text; each distinct serial number is converted once (a list of
        300,000 rows holds a few hundred distinct months and days)."""
        key = (raw, duration)
        text = self.dates.get(key)
        if text is None:
            value = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            try:
                text = temporal_text(from_excel(value, self.epoch, duration))
            except (OverflowError, ValueError):
                text = "#VALUE!"  # openpyxl's reading of a date outside the calendar
            if len(self.dates) < 100_000:
                self.dates[key] = text
        return text

    def formula(self, element: Element, coordinate: str | None) -> str:
        """The formula text with "=" in front. Cells sharing a formula store it once, in the
        first cell; the others get it moved to their own position, as Excel shows it."""
        text = "=" + (element.text or "")
        kind = element.get("t")
        if kind == "shared":
            key = element.get("si")
            if key in self.shared_formulas:
                return _translate(*self.shared_formulas[key], coordinate)
            if text != "=":
                self.shared_formulas[key] = (text, coordinate)
        elif kind == "dataTable":
            inputs = ",".join(x for x in (element.get("r1"), element.get("r2")) if x)
            return f"=TABLE({inputs})"
        return text


def _translate(text: str, origin: str | None, target: str | None) -> str:
    """A shared formula moved from its first cell to ``target`` (rare: openpyxl's
    translator is imported only when a workbook has one)."""
    if origin is None or target is None:
        return text
    from openpyxl.formula.translate import Translator

    try:
        return str(Translator(text, origin).translate_formula(target))
    except Exception:  # a formula the translator cannot move is still reported as a formula
        return text


def rich_text(element: Element, t_tag: str, r_tag: str) -> str:
    """The text of a string item: its plain ``<t>`` and the ``<t>`` of each formatting
    run (``<r>``); phonetic guides (``<rPh>``) are not part of the text."""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        if child.tag == t_tag:
            plain = child.text
        elif child.tag == r_tag:
            for part in child:
                if part.tag == t_tag and part.text is not None:
                    runs.append(part.text)
    return "".join([plain, *runs] if plain is not None else runs)


def read_styles(root: Element, ns: str) -> Styles:
    """The cell styles whose number format shows a date (built-in ids 14–22, 45–47, or a
    custom format with d, m, y, h or s outside quotes)."""
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode")
        for fmt in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
    }
    dates, durations = set(), set()
    for index, xf in enumerate(root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in custom:
            code = custom[number_format]
            if is_date_format(code):
                dates.add(index)
            if is_duration_format(code):
                durations.add(index)
        else:
            if number_format in BUILTIN_DATE_FORMATS:
                dates.add(index)
            if number_format in BUILTIN_DURATION_FORMATS:
                durations.add(index)
    return Styles(frozenset(dates), frozenset(durations))
