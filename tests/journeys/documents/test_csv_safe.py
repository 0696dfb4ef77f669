"""CSV downloads open correctly in a German Excel and cannot smuggle in formulas."""

from __future__ import annotations

import io

import pandas as pd

from journeys.documents.csv_safe import csv_bytes


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Barriere": [
                '=HYPERLINK("http://example.org","klick")',
                "+1",
                "-2",
                "@x",
                "\tTab",
                "Öffnungszeiten; Größe, Maß",
            ],
            "Anteil": [0.5, 1.25, -2.0, 0.0, 0.125, 1.0],
            "Familien": [1, 2, -3, 4, 5, 6],
            "warm": [True, False, True, False, True, False],
        }
    )


def test_starts_with_a_byte_order_mark_and_uses_semicolons() -> None:
    data = csv_bytes(table())
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header == "Barriere;Anteil;Familien;warm"


def test_decimal_comma_and_numbers_left_as_numbers() -> None:
    rows = csv_bytes(table()).decode("utf-8-sig").splitlines()
    assert rows[1].split(";")[1:] == ["0,5", "1", "ja"]
    assert rows[3].split(";")[1:3] == ["-2,0", "-3"]  # a negative number is not a formula


def test_formulas_are_neutralised() -> None:
    text = csv_bytes(table()).decode("utf-8-sig")
    cells = [line.split(";")[0] for line in text.splitlines()[1:]]
    assert cells[0] == '"\'=HYPERLINK(""http://example.org"",""klick"")"'
    assert cells[1:4] == ["'+1", "'-2", "'@x"]
    assert cells[4] == "'\tTab"
    assert "\n=" not in text and ";=" not in text


def test_umlauts_survive_and_the_file_reads_back() -> None:
    back = pd.read_csv(io.BytesIO(csv_bytes(table())), sep=";", encoding="utf-8-sig", decimal=",")
    assert back["Barriere"].tolist()[5] == "Öffnungszeiten; Größe, Maß"
    assert back["Barriere"].tolist()[:4] == [
        '\'=HYPERLINK("http://example.org","klick")', "'+1", "'-2", "'@x",
    ]  # fmt: skip
    assert back["Anteil"].tolist() == [0.5, 1.25, -2.0, 0.0, 0.125, 1.0]
    assert back["Familien"].tolist() == [1, 2, -3, 4, 5, 6]
    assert back["warm"].tolist() == ["ja", "nein", "ja", "nein", "ja", "nein"]


def test_column_names_and_a_meaningful_index_are_written_and_neutralised() -> None:
    matrix = pd.DataFrame(
        [[3, 1], [1, 2]],
        index=pd.Index(["=Sprache", "Finanzen & Wohnen"]),
        columns=["=Sprache", "Finanzen & Wohnen"],
    )
    lines = csv_bytes(matrix).decode("utf-8-sig").splitlines()
    assert lines[0] == ";'=Sprache;Finanzen & Wohnen"
    assert lines[1] == "'=Sprache;3;1"
    assert lines[2] == "Finanzen & Wohnen;1;2"


def test_missing_values_are_empty_cells() -> None:
    frame = pd.DataFrame({"Wartezeit": [14.0, None], "Name": ["a", None]})
    lines = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["14,0;a", ";"]
