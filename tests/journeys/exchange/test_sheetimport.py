"""Importing barrier lists kept in spreadsheets (CSV, XLSX): what a coach notices when the
list from Excel arrives in the tool, or when a broken list is refused with every problem
named by row and column, and nothing is written."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, exchange, storage
from journeys.exchange import DatasetError, sheetimport
from journeys.exchange.sheetimport import RowProblem, Sheet
from journeys.models import AgeBand, Channel, HouseholdType, Outcome, Role, TagStatus

GERMAN_HEADER = (
    "Fallcode;Familie;Sozialraum;Haushaltsform;Rolle;Altersgruppe;Phase;Hilfeangebot;Kanal;"
    "Monat;Ergebnis;Barriere;Schwere;Status;erkannt am;beseitigt am;Notiz"
)
GERMAN_ROWS = [
    # family BG-7K3Q9X: two steps, the first with two barriers of the mother
    "BG-7K3Q9X;;Everswinkel;Alleinerziehend;Mutter;35–49;Antrag & Bewilligung;"
    "Jobcenter Leistungsabteilung Everswinkel;Brief;03/2025;verwiesen;"
    "sprache.behoerdendeutsch;3;erkannt;;;Bescheid unverständlich",
    "BG-7K3Q9X;;;;Mutter;35-49;antrag;Jobcenter Leistungsabteilung Everswinkel;Brief;"
    "2025-03;verwiesen;Geringe Deutschkenntnisse;2;beseitigt;05.03.2025;2025-06-01;",
    "BG-7K3Q9X;;;;Kind (6–14);;Kinderbetreuung;Kita Sonnenschein;persönlich;04.2025;"
    "erreicht;familie.kinderbetreuung;;;;;",
    # a family without a code yet, named "F2" in the list: it gets a new random code
    ";F2;Ennigerloh;Paar mit Kindern;Vater;25-34;Erstkontakt;;Telefon;2025-01-15;wartet;"
    "digital.nur_online;1;;;;",
    ';F2;;;;;Erstkontakt;;Telefon;2025-01-15;wartet;"Scham, Stigma des Leistungsbezugs";;;;;'
    "Familie allgemein",
]


def german_csv(rows: list[str] | None = None, header: str = GERMAN_HEADER) -> bytes:
    """What Excel writes as "CSV UTF-8": semicolons, a byte-order mark, CRLF."""
    lines = [header, *(GERMAN_ROWS if rows is None else rows)]
    return b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """A database with the default reference data and two demo families."""
    database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(database, families=2, seed=5)
    return database


def state(db: Database) -> tuple[Any, ...]:
    """What a failed import must leave exactly as it was."""
    return (
        storage.data_version(db),
        storage.count_families(db),
        storage.next_ids(db),
        len(storage.list_services(db, include_retired=True)),
        storage.list_sozialraeume(db),
    )


def refused(db: Database, data: bytes, filename: str = "liste.csv") -> list[RowProblem]:
    """Import with the dispatcher's importer and return the problems; asserts nothing
    changed."""
    before = state(db)
    importer = exchange.importer_for(Path(filename))
    with pytest.raises(DatasetError) as caught:
        importer(db, data)
    assert state(db) == before
    return caught.value.problems  # type: ignore[return-value]


def texts(problems: list[RowProblem]) -> list[str]:
    return [str(p) for p in problems]


def family_by_code(db: Database, code: str) -> tuple[Any, Any]:
    family_id = storage.find_family_id(db, code)
    assert family_id is not None
    return storage.get_family(db, family_id), storage.list_journeys(db, family_id)[0]


def imported_codes(db: Database, before: set[str]) -> set[str]:
    return set(storage.list_families(db)["code"]) - before


# ---------------------------------------------------------------- good files


def test_a_german_excel_csv_becomes_families_steps_and_barriers(db: Database) -> None:
    codes_before = set(storage.list_families(db)["code"])
    sheet = sheetimport.read_sheet(german_csv(), "liste.csv")
    plan = sheetimport.plan_import(db, sheet, sheetimport.suggest_mapping(sheet.columns))
    assert plan.problems == []
    assert plan.summary_lines()[0] == "2 Familien mit 3 Schritten und 5 Barrieren aus 5 Zeilen."
    assert "Kita Sonnenschein (Everswinkel)" in plan.summary_lines()[1]

    summary = sheetimport.apply_import(db, plan)
    assert (summary.families, summary.journeys, summary.steps) == (2, 2, 3)
    assert summary.new_services == ("Kita Sonnenschein",)

    family, journey = family_by_code(db, "BG-7K3Q9X")
    assert (family.sozialraum, family.household_type) == (
        "Everswinkel",
        HouseholdType.ALLEINERZIEHEND,
    )
    assert [(m.role, m.age_band) for m in family.members] == [
        (Role.MUTTER, AgeBand.A35_49),
        (Role.KIND, AgeBand.A6_14),
    ]
    first, second = journey.steps
    assert (first.stage_key, first.month, first.channel, first.outcome) == (
        "antrag",
        "2025-03",
        Channel.BRIEF,
        Outcome.VERWIESEN,
    )
    assert [tag.barrier_key for tag in first.tags] == [
        "sprache.behoerdendeutsch",
        "sprache.deutsch",
    ]
    mother = family.members[0].id
    assert all(tag.member_id == mother for tag in first.tags)
    assert first.tags[0].severity == 3 and first.tags[0].note == "Bescheid unverständlich"
    assert first.tags[0].identified_on == date(2025, 3, 1)  # the month, when no date is given
    assert first.tags[1].status is TagStatus.BESEITIGT
    assert (first.tags[1].identified_on, first.tags[1].removed_on) == (
        date(2025, 3, 5),
        date(2025, 6, 1),
    )
    services = {s.id: s for s in storage.list_services(db)}
    assert services[first.service_id].name == "Jobcenter Leistungsabteilung Everswinkel"
    assert services[second.service_id].name == "Kita Sonnenschein"
    assert services[second.service_id].sozialraum == "Everswinkel"

    (new_code,) = imported_codes(db, codes_before) - {"BG-7K3Q9X"}
    family, journey = family_by_code(db, new_code)
    assert family.sozialraum == "Ennigerloh" and len(family.members) == 1
    (step,) = journey.steps
    assert step.month == "2025-01" and step.channel is Channel.TELEFON
    assert [(t.barrier_key, t.member_id) for t in step.tags] == [
        ("digital.nur_online", family.members[0].id),
        ("vertrauen.scham", None),  # no role: the whole family
    ]


def test_an_english_csv_with_commas_is_read_with_english_headers_and_values(
    db: Database,
) -> None:
    data = (
        b"case_id,neighbourhood,household,role,age group,stage,service,channel,month,outcome,"
        b"barrier,severity,status,removed on,note\n"
        b"BG-ABCDEF,Everswinkel,single parent,mother,35-49,Antrag,,phone,2025-02-10,"
        b'referred,sprache.deutsch,2,removed,2025-04-30,"needs interpreter, urgently"\n'
        b"BG-ABCDEF,Everswinkel,single parent,child,6-14,kinderbetreuung,,in person,2025-03,"
        b"reached,,,,,\n"
    )
    summary = sheetimport.import_csv(db, data)
    assert (summary.families, summary.steps) == (1, 2)
    family, journey = family_by_code(db, "BG-ABCDEF")
    assert [m.role for m in family.members] == [Role.MUTTER, Role.KIND]
    first, second = journey.steps
    assert (first.channel, first.outcome, first.month) == (
        Channel.TELEFON,
        Outcome.VERWIESEN,
        "2025-02",
    )
    (tag,) = first.tags
    assert tag.status is TagStatus.BESEITIGT and tag.note == "needs interpreter, urgently"
    assert second.tags == [] and second.channel is Channel.PERSOENLICH


def workbook_bytes(rows: list[list[Any]], extra_sheet: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Barrieren"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notizen").append(["nicht importieren"])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_HEADER = [
    "Fallcode",
    "Sozialraum",
    "Haushaltsform",
    "Rolle",
    "Altersgruppe",
    "Phase",
    "Monat",
    "Barriere",
    "Schwere",
    "erkannt am",
]


def test_an_xlsx_workbook_imports_with_excel_dates_and_numbers(db: Database) -> None:
    data = workbook_bytes(
        [
            XLSX_HEADER,
            [
                "BG-XYZ234",
                "Ennigerloh",
                "Paar ohne Kinder",
                "Vater",
                "50-64",
                "Vermittlung",
                datetime(2025, 5, 1),
                "Schulden",
                3.0,
                datetime(2025, 5, 20),
            ],
            [None] * len(XLSX_HEADER),  # an empty row in between is skipped
            [
                "BG-XYZ234",
                None,
                None,
                "Weitere Person",
                "65+",
                "Vermittlung",
                datetime(2025, 5, 1),
                "existenz.kosten",
                1,
                None,
            ],
        ],
        extra_sheet=True,
    )
    sheet = sheetimport.read_sheet(data, "liste.xlsx")
    assert sheet.notices == [
        "Die Arbeitsmappe hat 2 Tabellenblätter; gelesen wird nur das erste („Barrieren“)."
    ]
    summary = sheetimport.import_xlsx(db, data)
    assert (summary.families, summary.steps) == (1, 1)
    family, journey = family_by_code(db, "BG-XYZ234")
    assert family.household_type is HouseholdType.PAAR_OHNE_KINDER
    (step,) = journey.steps
    assert step.month == "2025-05" and step.stage_key == "vermittlung"
    assert [(t.barrier_key, t.severity, t.identified_on) for t in step.tags] == [
        ("existenz.schulden", 3, date(2025, 5, 20)),
        ("existenz.kosten", 1, date(2025, 5, 1)),
    ]
    assert len(step.member_ids) == 2


def test_the_cli_imports_a_spreadsheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Barrieren.CSV"
    path.write_bytes(german_csv())
    target = tmp_path / "ziel.db"
    assert cli.main(["import", str(path), "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert "2 Familien mit 2 Reisen und 3 Schritten" in out
    assert "Hilfeangebote: Kita Sonnenschein" in out
    assert cli.main(["import", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert "wurde nicht importiert; es wurde nichts gespeichert. 1 Problem(e)" in err
    assert "Zeilen 2–4, Spalte „Fallcode“: Der Fallcode BG-7K3Q9X ist in dieser Datenbank" in err


# ---------------------------------------------------------------- the mapping step


def test_headers_are_recognised_in_german_and_english_whatever_the_spelling() -> None:
    mapping = sheetimport.suggest_mapping(
        ["BG", "QUARTIER", "Hürde", "HUERDE (Schlüssel)", "Datum", "Severity", "Kommentar"]
    )
    assert mapping["fallcode"] == "BG"
    assert mapping["sozialraum"] == "QUARTIER"
    assert mapping["barriere"] == "Hürde"  # the exact name wins over the longer header
    assert mapping["monat"] == "Datum"
    assert mapping["schwere"] == "Severity"
    assert mapping["notiz"] == "Kommentar"
    assert mapping["phase"] is None
    assert sheetimport.suggest_mapping(["Barriere-Schlüssel"])["barriere"] == "Barriere-Schlüssel"


def test_a_mapping_chosen_by_the_user_is_followed(db: Database) -> None:
    header = "Code;Ort;HH;Wer;Alter;Schritt;Wann;Problem"
    row = "BG-QRSTUV;Everswinkel;Alleinstehend;Vater;25-34;Antrag;2025-07;Endgerät"
    sheet = sheetimport.read_sheet(german_csv([row], header), "x.csv")
    mapping = sheetimport.suggest_mapping(sheet.columns)
    assert mapping["phase"] is None and mapping["barriere"] is None
    mapping.update(
        rolle="Wer", phase="Schritt", monat="Wann", barriere="Problem", haushaltsform="HH"
    )
    plan = sheetimport.plan_import(db, sheet, mapping)
    assert plan.problems == []
    assert plan.journeys[0].steps[0].tags[0].barrier_key == "digital.endgeraet"


def test_a_column_given_to_two_fields_or_missing_is_named(db: Database) -> None:
    sheet = sheetimport.read_sheet(german_csv(), "x.csv")
    mapping = sheetimport.suggest_mapping(sheet.columns)
    mapping.update(notiz="Barriere", kanal="gibt es nicht")
    problems = texts(sheetimport.plan_import(db, sheet, mapping).problems)
    assert "Datei: Die Spalte „gibt es nicht“ gibt es in der Datei nicht." in problems
    assert "Datei: Die Spalte „Barriere“ ist mehreren Feldern zugeordnet (Barriere, Notiz)." in (
        problems
    )


# ---------------------------------------------------------------- broken files


def test_wrong_types_are_named_with_row_and_column(db: Database) -> None:
    rows = list(GERMAN_ROWS)
    rows[0] = rows[0].replace(";3;erkannt;", ";hoch;erkannt;")
    rows[2] = rows[2].replace(";04.2025;", ";Mai;")
    rows[3] = rows[3].replace(";Paar mit Kindern;", ";WG;").replace(";Telefon;", ";Fax;")
    problems = texts(refused(db, german_csv(rows)))
    assert problems == [
        "Zeile 2, Spalte „Schwere“: „hoch“ ist keine Schwere. Erlaubt sind 1 (gering), "
        "2 (mittel) und 3 (hoch).",
        "Zeile 4, Spalte „Monat“: „Mai“ ist kein Monat. Bitte als 2025-03, 03/2025 oder als "
        "Datum (15.03.2025) angeben.",
        "Zeile 5, Spalte „Haushaltsform“: „WG“ ist kein gültiger Wert. Möglich: "
        "Alleinerziehend, Paar mit Kindern, Paar ohne Kinder, Alleinstehend, Sonstige.",
        "Zeile 5, Spalte „Kanal“: „Fax“ ist kein gültiger Wert. Möglich: persönlich, "
        "Telefon, Brief, Online-Portal, Hausbesuch, aufsuchend.",
    ]


def test_an_unknown_barrier_is_refused_with_suggestions(db: Database) -> None:
    rows = [
        GERMAN_ROWS[0].replace("sprache.behoerdendeutsch", "Sprachprobleme"),
        GERMAN_ROWS[1].replace("Geringe Deutschkenntnisse", "Schulden und Mietrückstand"),
        GERMAN_ROWS[2].replace("familie.kinderbetreuung", "Xylophon"),
    ]
    problems = refused(db, german_csv(rows))
    assert [(p.rows, p.column) for p in problems] == [
        ((2,), "Barriere"),
        ((3,), "Barriere"),
        ((4,), "Barriere"),
    ]
    first, second, third = texts(problems)
    assert first.startswith(
        "Zeile 2, Spalte „Barriere“: „Sprachprobleme“ ist nicht in der Taxonomie. Meinten Sie: "
    )
    assert "Geringe Deutschkenntnisse (sprache.deutsch)" in first
    assert "(existenz.schulden)" in second
    assert third.endswith(
        "Bitte eine Barriere aus der Taxonomie (Einstellungen) wählen oder die "
        "Taxonomie dort ergänzen."
    )


def test_missing_required_columns_are_all_named(db: Database) -> None:
    header = "Fallcode;Sozialraum;Rolle;Altersgruppe;Monat"
    row = "BG-7K3Q9X;Everswinkel;Mutter;35-49;2025-03"
    problems = texts(refused(db, german_csv([row], header)))
    assert problems == [
        "Datei: Die Pflichtspalte „Haushaltsform“ fehlt. Erkannt werden zum Beispiel die "
        "Überschriften „Haushaltsform“, „Haushaltstyp“, „household“.",
        "Datei: Die Pflichtspalte „Phase“ fehlt. Erkannt werden zum Beispiel die Überschriften "
        "„Phase“, „Stufe“, „stage“.",
        "Datei: Die Pflichtspalte „Barriere“ fehlt. Erkannt werden zum Beispiel die Überschriften "
        "„Barriere“, „Zugangsbarriere“, „barrier“.",
    ]
    header_without_family = GERMAN_HEADER.replace("Fallcode;Familie;", "")
    rows = [row.split(";", 2)[2] for row in GERMAN_ROWS]
    problems = texts(refused(db, german_csv(rows, header_without_family)))
    assert problems[0].startswith("Datei: Es fehlt eine Spalte, die die Familie nennt")


def test_duplicate_rows_are_refused_naming_the_first(db: Database) -> None:
    rows = [*GERMAN_ROWS, GERMAN_ROWS[0], GERMAN_ROWS[4].replace("Familie allgemein", "")]
    problems = refused(db, german_csv(rows))
    assert texts(problems) == [
        "Zeile 7, Spalte „Barriere“: Doppelte Zeile: dieselbe Barriere für dieselbe Person im "
        "selben Schritt wie in Zeile 2.",
        "Zeile 8, Spalte „Barriere“: Doppelte Zeile: dieselbe Barriere für dieselbe Person im "
        "selben Schritt wie in Zeile 6.",
    ]


def test_a_windows_1252_file_is_read_with_a_notice(db: Database) -> None:
    data = german_csv()[3:].decode("utf-8").encode("cp1252")
    sheet = sheetimport.read_sheet(data, "liste.csv")
    assert sheet.notices and "Windows-1252" in sheet.notices[0]
    plan = sheetimport.plan_import(db, sheet, sheetimport.suggest_mapping(sheet.columns))
    assert plan.problems == [] and plan.notices == sheet.notices
    assert plan.journeys[0].steps[0].tags[0].note == "Bescheid unverständlich"


def test_a_file_that_is_not_text_is_refused(db: Database) -> None:
    problems = texts(refused(db, b"PK\x03\x04\x00\x00binary\x00", "liste.csv"))
    assert problems == [
        "Datei: Die Datei ist keine Textdatei (CSV). Eine Excel-Datei bitte mit der Endung "
        ".xlsx importieren."
    ]
    problems = texts(refused(db, b"Fallcode;Barriere\nkein zip", "liste.xlsx"))
    assert problems[0].startswith("Datei: Die Datei ist keine lesbare Excel-Arbeitsmappe")


def test_formulas_are_never_evaluated_but_reported(db: Database) -> None:
    rows = list(GERMAN_ROWS)
    rows[0] = rows[0].replace("Bescheid unverständlich", '"=HYPERLINK(""http://x"",""y"")"')
    rows[1] = rows[1].replace(";2;beseitigt;", ";=1+1;beseitigt;")
    problems = refused(db, german_csv(rows))
    assert texts(problems) == [
        'Zeile 2, Spalte „Notiz“: „=HYPERLINK("http://x","y")“ ist eine Formel. Formeln '
        "werden beim Import nie ausgewertet; bitte den Wert als Text eintragen (in Excel: Zellen "
        "kopieren, „Werte einfügen“).",
        "Zeile 3, Spalte „Schwere“: „=1+1“ ist eine Formel. Formeln werden beim Import nie "
        "ausgewertet; bitte den Wert als Text eintragen (in Excel: Zellen kopieren, „Werte "
        "einfügen“).",
    ]


def test_formulas_in_a_workbook_are_reported_not_their_cached_results(db: Database) -> None:
    data = workbook_bytes(
        [
            XLSX_HEADER,
            [
                "BG-XYZ234",
                "Ennigerloh",
                "Alleinstehend",
                "Vater",
                "50-64",
                "Vermittlung",
                "2025-05",
                '=HYPERLINK("http://x","schulden")',
                "=1+1",
                None,
            ],
        ]
    )
    problems = refused(db, data, "liste.xlsx")
    assert [(p.rows, p.column) for p in problems] == [((2,), "Barriere"), ((2,), "Schwere")]
    assert all("ist eine Formel" in str(p) for p in problems)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Datei: Die Datei ist leer."),
        (b"\xef\xbb\xbf\r\n  \r\n", "Datei: Die Datei ist leer."),
        (
            german_csv([]),
            "Datei: Die Tabelle hat eine Kopfzeile, aber keine Datenzeilen.",
        ),
    ],
)
def test_an_empty_file_is_refused(db: Database, data: bytes, message: str) -> None:
    assert texts(refused(db, data)) == [message]


def test_every_problem_of_a_file_is_reported_at_once(db: Database) -> None:
    """A file with many kinds of mistakes: all of them, each with row and column."""
    rows = [
        GERMAN_ROWS[0].replace("BG-7K3Q9X", "Müller"),  # a name instead of a code
        GERMAN_ROWS[1].replace(";2025-03;", ";;"),  # month missing
        GERMAN_ROWS[2].replace("Kinderbetreuung", "Mondphase"),  # unknown stage
        GERMAN_ROWS[3].replace(";25-34;", ";;"),  # role without age band
        GERMAN_ROWS[4].replace(";Familie allgemein", ";=1+1"),  # formula
        "BG-7K3Q9X;;Everswinkel;Alleinerziehend;Mutter;35-49;Antrag;;Brief;2025-03;verwiesen;"
        "information.rechte;2;beseitigt;;;",  # removed without a date
        # no family named
        ";;Everswinkel;Alleinstehend;Vater;25-34;Antrag;;;2025-03;;information.rechte;;;;;",
        "BG-7K3Q9X;;Ennigerloh;Alleinerziehend;Mutter;35-49;Antrag;;;2025-03;;sprache.ausdruck;;;;;"
        ";zu viel",  # one cell too many
        "BG-7K3Q9X;;Ennigerloh;;Mutter;35-49;Antrag;;;2025-03;;sprache.ausdruck;;;;;",
    ]
    problems = refused(db, german_csv(rows))
    located = [(p.rows, p.column) for p in problems]
    assert located == [
        ((2,), "Fallcode"),
        ((3,), "Monat"),
        ((4,), "Phase"),
        ((5,), "Rolle"),
        ((6,), "Notiz"),
        ((7, 10), "Sozialraum"),
        ((7,), "Status"),
        ((8,), "Fallcode"),
        ((9,), ""),
    ]
    text = texts(problems)
    assert text[0] == (
        "Zeile 2, Spalte „Fallcode“: „Müller“ ist kein Fallcode. Ein Fallcode hat die Form "
        "BG-7K3Q9X (ohne Namen oder Geburtsdaten). Bitte korrigieren oder die Zelle leeren und "
        "die Familie in der Spalte „Familie“ benennen."
    )
    assert text[1] == "Zeile 3, Spalte „Monat“: Angabe fehlt."
    assert text[2].startswith("Zeile 4, Spalte „Phase“: „Mondphase“ ist keine Phase der Vorlage.")
    assert "Zur Rolle fehlt die Altersgruppe" in text[3]
    assert text[4].startswith("Zeile 6, Spalte „Notiz“: „=1+1“ ist eine Formel.")
    assert text[5] == (
        "Zeilen 7, 10, Spalte „Sozialraum“: Die Familie hat in ihren Zeilen verschiedene Werte: "
        "„Everswinkel“, „Ennigerloh“. Bitte vereinheitlichen."
    )
    assert text[6] == (
        "Zeile 7, Spalte „Status“: Eine beseitigte Barriere braucht das Datum, an dem sie "
        "beseitigt wurde."
    )
    assert text[7] == (
        "Zeile 8, Spalte „Fallcode“: Die Zeile nennt keine Familie: Fallcode oder Familie fehlt."
    )
    assert text[8].startswith("Zeile 9: Die Zeile hat 18 Werte, die Kopfzeile aber nur 17 Spalten.")


def test_many_rows_with_the_same_mistake_are_one_problem_naming_every_row(db: Database) -> None:
    def row(i: int, severity: str) -> str:
        month = f";{i % 12 + 1:02d}/{2020 + i // 12};"
        return (
            GERMAN_ROWS[0]
            .replace(";03/2025;", month)
            .replace(";3;erkannt;", f";{severity};erkannt;")
        )

    problems = refused(db, german_csv([row(i, "hoch") for i in range(40)]))
    assert len(problems) == 1 and problems[0].rows == tuple(range(2, 42))
    assert problems[0].where == "Zeilen 2–41, Spalte „Schwere“"
    problems = refused(db, german_csv([row(i, "hoch" if i % 2 else "2") for i in range(40)]))
    (problem,) = problems
    assert problem.rows == tuple(range(3, 42, 2))
    assert (
        problem.where
        == "Zeilen 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 und 10 weitere, Spalte „Schwere“"
    )


def test_a_case_code_already_stored_is_refused(db: Database) -> None:
    stored = storage.list_families(db)["code"].iloc[0]
    rows = [row.replace("BG-7K3Q9X", stored) for row in GERMAN_ROWS]
    problems = refused(db, german_csv(rows))
    assert [(p.rows, p.column) for p in problems] == [((2, 3, 4), "Fallcode")]
    assert f"Der Fallcode {stored} ist in dieser Datenbank schon vergeben" in str(problems[0])


def test_a_plan_is_refused_when_someone_saved_in_between(db: Database) -> None:
    sheet = sheetimport.read_sheet(german_csv(), "x.csv")
    plan = sheetimport.plan_import(db, sheet, sheetimport.suggest_mapping(sheet.columns))
    demo.seed_demo(db, families=1, seed=77)
    before = state(db)
    with pytest.raises(DatasetError) as caught:
        sheetimport.apply_import(db, plan)
    assert "Während des Imports hat jemand anderes gespeichert" in str(caught.value.problems[0])
    assert state(db) == before


def test_a_plan_with_problems_is_never_written(db: Database) -> None:
    sheet = Sheet(sheetimport.read_sheet(german_csv(), "x.csv").frame)
    mapping = sheetimport.suggest_mapping(sheet.columns) | {"barriere": None}
    plan = sheetimport.plan_import(db, sheet, mapping)
    assert plan.problems and plan.families == []
    before = state(db)
    with pytest.raises(DatasetError):
        sheetimport.apply_import(db, plan)
    assert state(db) == before


def test_excel_unicode_text_with_tabs_is_read(db: Database) -> None:
    """Excel's "Unicode-Text" export: UTF-16 with tabs."""
    text = "\r\n".join(line.replace(";", "\t") for line in [GERMAN_HEADER, *GERMAN_ROWS[:3]])
    data = text.replace('"', "").encode("utf-16")
    summary = sheetimport.import_csv(db, data)
    assert (summary.families, summary.steps) == (1, 2)
    family, _ = family_by_code(db, "BG-7K3Q9X")
    assert family.sozialraum == "Everswinkel"


def test_a_family_label_joins_the_rows_that_carry_its_code(db: Database) -> None:
    rows = [
        GERMAN_ROWS[0].replace("BG-7K3Q9X;;", "BG-7K3Q9X;Familie A;"),
        GERMAN_ROWS[1].replace("BG-7K3Q9X;;", ";Familie A;"),
        GERMAN_ROWS[2].replace("BG-7K3Q9X;;", ";Familie A;"),
    ]
    sheet = sheetimport.read_sheet(german_csv(rows), "x.csv")
    plan = sheetimport.plan_import(db, sheet, sheetimport.suggest_mapping(sheet.columns))
    assert plan.problems == [] and plan.generated_codes == 0
    assert [f.code for f in plan.families] == ["BG-7K3Q9X"]
    assert sum(len(s.tags) for s in plan.journeys[0].steps) == 3


def test_ganze_familie_as_the_app_writes_it_is_a_barrier_of_the_whole_family(
    db: Database,
) -> None:
    rows = [
        "BG-7K3Q9X;;Everswinkel;Alleinerziehend;Mutter;35–49;Antrag & Bewilligung;;Brief;"
        "03/2025;erreicht;sprache.deutsch;;;;;",
        "BG-7K3Q9X;;;;ganze Familie;;Antrag & Bewilligung;;Brief;03/2025;erreicht;"
        "verfahren.nachweise;;;;;",
    ]
    sheet = sheetimport.read_sheet(german_csv(rows), "liste.csv")
    plan = sheetimport.plan_import(db, sheet, sheetimport.suggest_mapping(sheet.columns))
    assert plan.problems == []
    sheetimport.apply_import(db, plan)
    family, journey = family_by_code(db, "BG-7K3Q9X")
    (step,) = journey.steps
    assert [(tag.barrier_key, tag.member_id) for tag in step.tags] == [
        ("sprache.deutsch", family.members[0].id),
        ("verfahren.nachweise", None),
    ]
