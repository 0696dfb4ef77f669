"""Spotting personal data in free text before it is saved.

Zugangsatlas stores families under random case codes only (docs/domain.md §3). The free-text
fields (what the family sees, brings, understands, feels, quotes, notes) are where a name,
a phone number or an address slips in anyway: a coach writes "Frau Yılmaz ruft unter 0171
… an" without thinking. ``find_personal_data`` finds what looks like personal data so that
the page can warn before saving (``pages/shared/pii_guard.py``); it never changes the text.

It errs on the side of few false alarms: a warning on every ordinary sentence would be
clicked away. So names that are also ordinary German words ("Koch", "Winter", "Ernst")
count only next to a title ("Frau Koch") or another name ("Peter Koch"), a full date only
if it lies years back (a date of birth, not an appointment) or follows "geb.", and an IBAN
only with a valid checksum. Our own case codes (``BG-7K3Q9X``) are never personal data.

The name lists are plain text files under ``data/pii/`` (compiled from public name
statistics), so a Jobcenter can extend them for its population without touching code.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from journeys.i18n import t
from journeys.models import CODE_ALPHABET, CODE_LENGTH
from journeys.paths import DATA_DIR

PII_DIR = DATA_DIR / "pii"
EXCERPT_MAX = 60
# A full date counts as a date of birth when it lies at least this many years back: an
# appointment is this year or last year, a birthday (even of a child) further back.
BIRTH_YEARS_BACK = 3
# ... unless the date follows a word that makes it an event: "seit 01.08.2019", "Bescheid
# vom 12.01.2021".
_EVENT_WORDS = re.compile(
    r"\b(?:seit|ab|bis|vom|von|am|zum|zur|bis zum|Termin|Bescheid|Antrag|Schreiben|Brief|"
    r"Frist|gültig|Einzug|Auszug|Umzug|Beginn|Ende|Start)\s*$",
    re.IGNORECASE,
)


class PiiKind(StrEnum):
    """What kind of personal data a finding is; the German label comes from privacy.toml."""

    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    POSTCODE = "postcode"
    BIRTH_DATE = "birth_date"
    IBAN = "iban"
    CUSTOMER_NUMBER = "customer_number"
    BG_NUMBER = "bg_number"
    SOCIAL_SECURITY = "social_security"
    HEALTH_INSURANCE = "health_insurance"
    TAX_ID = "tax_id"

    @property
    def label(self) -> str:
        return t(f"privacy.pii.kind.{self.value}")


@dataclass(frozen=True)
class Finding:
    """One piece of text that looks like personal data: its kind, the matched text (cut to
    ``EXCERPT_MAX`` characters) and where it stands in the text."""

    kind: PiiKind
    excerpt: str
    start: int
    end: int

    @property
    def label(self) -> str:
        """The German name of the kind, e.g. "Telefonnummer"."""
        return self.kind.label


# ---------------------------------------------------------------- name lists


def _read_list(name: str) -> frozenset[str]:
    """One name per line; lines starting with ``#`` are comments (the source header)."""
    path = PII_DIR / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def fold(word: str) -> str:
    """The word without diacritics, so that "Yilmaz" matches "Yılmaz" and "Lukasz" "Łukasz"."""
    special = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ß": "ss", "ø": "o"})
    decomposed = unicodedata.normalize("NFKD", word.translate(special))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class NameLists:
    """The names to look for: first names, surnames, and names that are also ordinary words
    (only counted in a name context). Stored folded (see ``fold``)."""

    first: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]

    def kind_of(self, word: str) -> str | None:
        """``"ambiguous"``, ``"name"`` or ``None`` for a capitalised word."""
        folded = fold(word)
        if folded in self.ambiguous:
            return "ambiguous"
        if folded in self.first or folded in self.surnames:
            return "name"
        # A possessive: "Ahmeds Termin", "Olgas Sohn".
        if folded.endswith("s") and (folded[:-1] in self.first or folded[:-1] in self.surnames):
            return "name"
        # A double name counts when every part is a name ("Anna-Lena", "Müller-Kaya"), not
        # a school or street named after someone ("Anne-Frank-Schule").
        parts = re.split(r"[\-'’]", word)
        if len(parts) > 1 and all(self.kind_of(part) for part in parts):
            return "name"
        return None


@cache
def name_lists() -> NameLists:
    """The lists under ``data/pii/``, read once."""

    def folded(name: str) -> frozenset[str]:
        return frozenset(fold(word) for word in _read_list(name))

    return NameLists(
        first=folded("first_names.txt"),
        surnames=folded("surnames.txt"),
        ambiguous=folded("ambiguous.txt"),
    )


# ---------------------------------------------------------------- patterns

_CASE_CODE = re.compile(rf"\bBG-[{CODE_ALPHABET}]{{{CODE_LENGTH}}}\b")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# +49 / 0049 / (0) / 0 with at least 7 digits in groups separated by spaces, slashes,
# hyphens or brackets (dots are left out: 01.02.2024 is a date).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2}[\s\-/]?(?:\(0\)\s?)?|\(?0)\d[\d\s/\-()]{4,}\d(?!\w)"
)
# German IBANs have 18 digits after the check digits; other countries (PL, TR ...) are
# taken as digits only, so that a following word is never swallowed into the candidate.
_IBAN = re.compile(r"\bDE\d{2}(?:\s?\d){18}(?!\d)|\b[A-Z]{2}\d{2}(?:\s?\d){11,30}(?!\d)")
_BG_NUMBER = re.compile(r"\b\d{5}\s?BG\s?\d{7}\b")
_CUSTOMER = re.compile(r"\b\d{3}\s?[A-Z]\s?\d{6}\b")
_SOCIAL_SECURITY = re.compile(r"\b\d{2}\s?[0-3]\d[01]\d\d{2}\s?[A-Z]\s?\d{3}\b")
# Krankenversichertennummer: a capital letter and nine digits, the last a check digit.
_KVNR = re.compile(r"\b[A-Z]\s?\d{4}\s?\d{4}\s?\d\b")
# Steuerliche Identifikationsnummer: eleven digits, often written 12 345 678 901.
_TAX_ID = re.compile(r"(?<!\d)(?<!\d[,.])[1-9]\d(?:\s?\d{3}){3}(?!\d|[,.]\d)")
_NUMBER_WORDS = (
    r"(?:Kunden-?(?:nummer|nr\.?)|Kd\.?-?Nr\.?|BG-?(?:Nummer|Nr\.?)|Aktenzeichen|Az\.|"
    r"Versicherungsnummer|Steuer-?ID|Personalausweis(?:nummer)?|Pass-?(?:nummer|nr\.?))"
)
_NUMBER_AFTER_WORD = re.compile(
    "(?i:" + _NUMBER_WORDS + ")" + r":?\s*(?:ist\s+)?([A-Z0-9][A-Z0-9\-/ ]{3,}\d)"
)
_STREET_SUFFIX = r"(?:stra(?:ß|ss)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|pfad)"
_HOUSE_NUMBER = r"\s?\d{1,3}\s?[a-zA-Z]?(?![\d/.,:]?\d)(?!\w)"
_STREET = re.compile(
    r"\b(?:[A-ZÄÖÜ][\wäöüß\-]*\s){0,2}[A-ZÄÖÜ][\wäöüß\-]*" + _STREET_SUFFIX + _HOUSE_NUMBER
    + r"|\b(?:[A-ZÄÖÜ][\wäöüß\-]*\s){1,2}(?:Stra(?:ß|ss)e|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm)"
    + _HOUSE_NUMBER
)  # fmt: skip
_SLASH_DATE = re.compile(r"\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{2,4}")
# Compounds ending like a street that are none: "Kitaplatz 2", "Arbeitsplatz 3".
_NOT_STREETS = re.compile(
    r"(?:Kita|Krippen|Arbeits|Ausbildungs|Praktikums|Studien|Schul|Betreuungs|"
    r"Sitz|Stell|Bildungs|Lösungs|Behörden|Lebens|Dienst|Therapie)",
)
_POSTCODE = re.compile(
    r"\b(?<![\d.,])(0[1-9]|[1-9]\d)\d{3}\s+([A-ZÄÖÜ][a-zäöüß]+(?:[\s\-][A-ZÄÖÜ][a-zäöüß]+)?)"
)
_FULL_DATE = re.compile(r"\b([0-3]?\d)\.\s?([01]?\d)\.\s?((?:19|20)\d{2}|\d{2})\b")
_BIRTH_WORD = re.compile(
    r"(?:\bgeb\.|\bgeboren(?:\s+am)?|\bGeburtsdatum:?|\bGeb\.-?Dat(?:um|\.)?:?|\*)\s*$"
)
_WORD = re.compile(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*")
# Words after which a capitalised word is a name: "Frau Koch", "Familie Nowak", "geb. Weber".
_TITLES = frozenset({
    "Frau", "Herr", "Herrn", "Familie", "Fam", "Dr", "Prof", "geb", "Kollegin", "Kollege",
    "Sachbearbeiterin", "Sachbearbeiter", "namens", "heißt", "Nachname", "Vorname",
})  # fmt: skip
# Titles that are also ordinary nouns: after an article ("die Familie Angebote kennt") the
# next word counts only if it is a listed name.
_WEAK_TITLES = frozenset({
    "Familie", "Fam", "Kollegin", "Kollege", "Sachbearbeiterin", "Sachbearbeiter",
})  # fmt: skip
_ARTICLES = frozenset({
    "die", "der", "den", "dem", "des", "eine", "einer", "einem", "einen", "unsere", "unserer",
    "diese", "dieser", "diesen", "jede", "jeder", "ihre", "ihrer", "seine", "seiner", "keine",
    "Die", "Der", "Den", "Dem", "Eine", "Einer", "Unsere", "Diese", "Dieser", "Jede", "Ihre",
    "Seine", "Keine",
})  # fmt: skip
# Capitalised words that may follow a title without being a name.
_NOT_AFTER_TITLE = frozenset({
    "Doktor", "Dr", "Prof", "Professor", "Mutter", "Vater", "Eltern", "Kind", "Kinder",
    "Sohn", "Tochter", "Oma", "Opa", "Angehörige", "Jobcenter", "Termin", "Termine",
    "Hilfe", "Unterstützung", "Wohnung", "Schulden", "Probleme", "Sorgen", "Angst",
    "Leistungen", "Unterlagen", "Post", "Briefe", "Bescheid", "Zuhause", "Zugang",
    "Deutsch", "Arabisch", "Türkisch", "Polnisch", "Russisch", "Ukrainisch", "Kurdisch",
    "Englisch", "Dolmetscher", "Dolmetscherin", "Beratung", "Kita", "Schule", "Geld",
    "Arbeit", "Ausbildung", "Zeit", "Mal", "Nachricht", "Bescheide", "Fragen", "Antrag",
    "Anträge", "Kontakt", "Rückmeldung", "Wohngeld", "Kinderzuschlag", "Einladung",
})  # fmt: skip
_NOUN_SUFFIXES = (
    "ung", "heit", "keit", "schaft", "ion", "tät", "nis", "ismus", "erin", "innen", "chen",
    "lein", "ment", "tum", "ei",
)  # fmt: skip
# A five-digit number followed by one of these is an amount, not a postcode with its town.
_NOT_TOWNS = frozenset({
    "Euro", "Eur", "Menschen", "Familien", "Personen", "Fälle", "Kinder", "Einwohner",
    "Haushalte", "Stunden", "Tage", "Jahre", "Monate", "Kilometer", "Meter", "Schritte",
    "Punkte", "Anträge", "Bedarfsgemeinschaften", "Leistungsberechtigte", "Mal", "Stück",
    "Jahren", "Monaten", "Tagen", "Wochen", "Minuten", "Euros", "Teilnehmende", "Einträge",
})  # fmt: skip


# ---------------------------------------------------------------- checks


def iban_valid(candidate: str) -> bool:
    """The ISO 13616 checksum (mod 97 == 1): random digit strings rarely pass it."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    if compact.startswith("DE") and len(compact) != 22:
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def kvnr_valid(candidate: str) -> bool:
    """The check digit of a health-insurance number (§ 290 SGB V, Richtlinie des GKV-
    Spitzenverbands): the letter as its place in the alphabet (A = 01 … Z = 26), then the
    first eight digits; weights 1, 2, 1, 2 …; two-digit products as their digit sum; the
    sum modulo 10 is the tenth character."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]\d{9}", compact):
        return False
    digits = f"{ord(compact[0]) - ord('A') + 1:02d}" + compact[1:9]
    total = 0
    for i, digit in enumerate(digits):
        product = int(digit) * (1 if i % 2 == 0 else 2)
        total += product // 10 + product % 10
    return total % 10 == int(compact[9])


def tax_id_valid(candidate: str) -> bool:
    """A tax ID (Steuer-ID, § 139b AO): eleven digits, the first not 0; among the first ten
    exactly one digit occurs twice or three times (three times never side by side) and
    the others at most once; the eleventh is the ISO 7064 MOD 11,10 check digit."""
    compact = re.sub(r"\s", "", candidate)
    if not re.fullmatch(r"[1-9]\d{10}", compact):
        return False
    body = compact[:10]
    counts = sorted((body.count(d) for d in set(body)), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    if counts[0] == 3 and re.search(r"(\d)\1\1", body):
        return False
    product = 10
    for digit in body:
        total = (int(digit) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return (0 if check == 10 else check) == int(compact[10])


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1] + "…"


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with these spans blanked out (same length, so positions stay)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _is_capitalised(word: str) -> bool:
    return len(word) >= 3 and word[0].isupper() and any(c.islower() for c in word[1:])


def _looks_like_noun(word: str) -> bool:
    return word in _NOT_AFTER_TITLE or word.endswith(_NOUN_SUFFIXES)


def _name_findings(text: str) -> list[Finding]:
    """Names from the lists, names after a title, and ambiguous names next to a name."""
    lists = name_lists()
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    kinds = [lists.kind_of(word) if _is_capitalised(word) else None for word, _, _ in words]
    flagged: list[bool] = [kind == "name" for kind in kinds]
    for i, (word, start, _) in enumerate(words):
        previous = words[i - 1] if i else None
        gap = text[previous[2] : start] if previous else ""
        after_title = (
            previous is not None
            and previous[0] in _TITLES
            and gap.strip() in ("", ".")
            and "\n" not in gap
        )
        if after_title and _is_capitalised(word) and not _looks_like_noun(word):
            weak = previous[0] in _WEAK_TITLES and i >= 2 and words[i - 2][0] in _ARTICLES  # type: ignore[index]
            flagged[i] = kinds[i] is not None if weak else True
        if kinds[i] == "ambiguous" and not flagged[i]:
            flagged[i] = _next_to_name(text, words, kinds, i)
    return [
        Finding(PiiKind.NAME, word, start, end)
        for (word, start, end), hit in zip(words, flagged, strict=True)
        if hit
    ]


def _next_to_name(
    text: str, words: list[tuple[str, int, int]], kinds: list[str | None], i: int
) -> bool:
    """An ambiguous name counts when a listed name stands right before or after it, separated
    by a space or ", " only ("Peter Koch", "Koch, Peter", "Ernst Bauer")."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(words) or kinds[j] is None:
            continue
        left, right = sorted((i, j))
        gap = text[words[left][2] : words[right][1]]
        if gap in (" ", ", ") and (kinds[j] == "name" or (kinds[i] == kinds[j] == "ambiguous")):
            return True
    return False


def _birth_dates(text: str, today: date) -> list[Finding]:
    found = []
    for match in _FULL_DATE.finditer(text):
        day, month, year_text = (int(match.group(1)), int(match.group(2)), match.group(3))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if year <= today.year % 100 else 1900
        before = text[max(0, match.start() - 30) : match.start()]
        if _BIRTH_WORD.search(before):
            found.append(Finding(PiiKind.BIRTH_DATE, match.group(), match.start(), match.end()))
            continue
        long_ago = 1900 <= year <= today.year - BIRTH_YEARS_BACK and len(year_text) == 4
        if long_ago and not _EVENT_WORDS.search(before):
            found.append(Finding(PiiKind.BIRTH_DATE, match.group(), match.start(), match.end()))
    return found


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def find_personal_data(text: str, *, today: date | None = None) -> list[Finding]:
    """Everything in ``text`` that looks like personal data, in the order it appears.

    Never raises on any string; an empty list means nothing was found. ``today`` decides
    which full dates lie far enough back to be dates of birth (default: today).
    """
    if not text or not text.strip():
        return []
    today = today or date.today()
    masked = _mask(text, [m.span() for m in _CASE_CODE.finditer(text)])
    found: list[Finding] = []

    def add(kind: PiiKind, match: re.Match[str], group: int = 0) -> None:
        found.append(Finding(kind, _excerpt(match.group(group)), *match.span(group)))

    for match in _EMAIL.finditer(masked):
        add(PiiKind.EMAIL, match)
    masked = _mask(masked, [(f.start, f.end) for f in found])
    for match in _IBAN.finditer(masked):
        if iban_valid(match.group()):
            add(PiiKind.IBAN, match)
    for match in _BG_NUMBER.finditer(masked):
        add(PiiKind.BG_NUMBER, match)
    for match in _CUSTOMER.finditer(masked):
        add(PiiKind.CUSTOMER_NUMBER, match)
    for match in _SOCIAL_SECURITY.finditer(masked):
        add(PiiKind.SOCIAL_SECURITY, match)
    for match in _KVNR.finditer(masked):
        if kvnr_valid(match.group()):
            add(PiiKind.HEALTH_INSURANCE, match)
    for match in _TAX_ID.finditer(masked):
        if tax_id_valid(match.group()):
            add(PiiKind.TAX_ID, match)
    for match in _NUMBER_AFTER_WORD.finditer(masked):
        if not any(f.start <= match.start(1) < f.end for f in found):
            add(PiiKind.CUSTOMER_NUMBER, match, 1)
    masked = _mask(masked, [(f.start, f.end) for f in found])
    for finding in _birth_dates(masked, today):
        found.append(finding)
    masked = _mask(masked, [(f.start, f.end) for f in found])
    for match in _PHONE.finditer(masked):
        if 7 <= _digits(match.group()) <= 15 and not _SLASH_DATE.fullmatch(match.group().strip()):
            add(PiiKind.PHONE, match)
    for match in _STREET.finditer(masked):
        if not _NOT_STREETS.match(match.group().split()[-2] if " " in match.group() else ""):
            add(PiiKind.ADDRESS, match)
    for match in _POSTCODE.finditer(masked):
        if match.group(2).split()[0].split("-")[0] not in _NOT_TOWNS:
            add(PiiKind.POSTCODE, match)
    taken = [(f.start, f.end) for f in found]
    for finding in _name_findings(masked):
        if not any(start <= finding.start < end for start, end in taken):
            found.append(finding)
    return sorted(found, key=lambda f: (f.start, f.end))


def fingerprint(findings: list[tuple[str, Finding]]) -> str:
    """A short stable key of what was found (field, kind, excerpt): a confirmation given for
    these findings does not carry over to a different name or number typed later."""
    parts = sorted(f"{where}\x1f{f.kind.value}\x1f{f.excerpt}" for where, f in findings)
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:16]


def find_in_fields(texts: dict[str, str]) -> list[tuple[str, Finding]]:
    """Findings of several fields at once: ``(field label, finding)`` pairs, field by field."""
    return [(field, f) for field, text in texts.items() for f in find_personal_data(text or "")]
