"""Every exported file says which filter made it and, for demo data, that it is synthetic;
never the demo note for real data; and it still reads as before (pandas, Excel, viewers)."""

from __future__ import annotations

import io
import shutil
import struct
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from barriers.analysis.provenance import Provenance, stamp_dot, stamp_png, stamp_svg, stamp_table
from journeys import journeymap
from journeys.documents.csv_safe import csv_bytes
from journeys.i18n import t

FILTER = "Ist-Reise · Sozialraum: Ennigerloh · Phase: Antrag"
DEMO = Provenance(FILTER, synthetic=True)
MIXED = Provenance(FILTER, synthetic=True, real=3)
REAL = Provenance(FILTER)


def _table() -> pd.DataFrame:
    return pd.DataFrame({"Barriere": ["Öffnungszeiten", "Kein Auto"], "Familien": [12, 5]})


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", decimal=",")


def test_csv_of_demo_data_names_the_filter_and_says_it_is_invented() -> None:
    back = _read(csv_bytes(stamp_table(_table(), DEMO)))
    # The table reads exactly as before; two columns at the right say where it comes from.
    assert list(back.columns) == ["Barriere", "Familien", "Filter", "Datenbasis"]
    assert back["Familien"].tolist() == [12, 5]
    assert (back["Filter"] == FILTER).all()
    assert (back["Datenbasis"] == t("provenance.demo")).all()
    assert "erfunden" in t("provenance.demo")


def test_csv_of_real_data_has_the_filter_and_no_demo_note() -> None:
    data = csv_bytes(stamp_table(_table(), REAL))
    back = _read(data)
    assert list(back.columns) == ["Barriere", "Familien", "Filter"]
    assert (back["Filter"] == FILTER).all()
    text = data.decode("utf-8-sig")
    assert "synthetisch" not in text.lower() and "erfunden" not in text


def test_mixed_data_says_how_many_real_families_are_beside_the_invented_ones() -> None:
    back = _read(csv_bytes(stamp_table(_table(), MIXED)))
    assert (back["Datenbasis"] == t("provenance.demo_mixed", n=3)).all()


def test_a_filter_that_looks_like_a_formula_is_neutralised() -> None:
    hostile = Provenance('=HYPERLINK("http://x","y")', synthetic=True)
    text = csv_bytes(stamp_table(_table(), hostile)).decode("utf-8-sig")
    assert ";=" not in text and "\n=" not in text
    assert _read(csv_bytes(stamp_table(_table(), hostile)))["Filter"].iloc[0].startswith("'=")


def test_a_column_named_filter_is_kept_and_the_new_one_is_numbered() -> None:
    table = pd.DataFrame({"Filter": ["a"], "n": [1]})
    assert list(stamp_table(table, REAL).columns) == ["Filter", "n", "Filter (2)"]


SVG = (
    b'<?xml version="1.0"?>'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g/></svg>'
)


def test_svg_carries_title_and_description_escaped() -> None:
    hostile = Provenance("Sozialraum: <script>alert(1)</script> & Co", synthetic=True)
    svg = stamp_svg(SVG, hostile, "Auswertung: häufigkeit")
    root = ET.fromstring(svg)  # still well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Auswertung: häufigkeit"
    desc = root.find(f"{ns}desc").text
    assert "<script>alert(1)</script> & Co" in desc and t("provenance.demo") in desc
    assert b"<script>" not in svg
    assert t("provenance.demo").encode() not in stamp_svg(SVG, REAL, "x")


def _png_texts(png: bytes) -> dict[str, str]:
    """The iTXt chunks of a PNG, keyword → text."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    out, pos = {}, 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            _, _, rest = rest[2:].split(b"\0", 2)  # language tag, translated keyword
            out[keyword.decode("latin-1")] = rest.decode("utf-8")
        pos += 12 + length
    return out


def _a_png() -> bytes:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot fehlt")
    return journeymap.render("digraph { a -> b }", "png")


def test_png_carries_the_filter_and_the_demo_note_as_text_chunks() -> None:
    png = stamp_png(_a_png(), DEMO, "Auswertung: verweise")
    texts = _png_texts(png)
    assert texts["Title"] == "Auswertung: verweise"
    assert texts["Description"] == t("provenance.filter", filter=FILTER)
    assert texts["Disclaimer"] == t("provenance.demo")
    assert "Disclaimer" not in _png_texts(stamp_png(_a_png(), REAL, "x"))
    image = pytest.importorskip("PIL.Image")
    with image.open(io.BytesIO(png)) as picture:  # still a valid picture
        picture.load()
        assert picture.size[0] > 0


def test_a_drawing_says_its_filter_and_demo_note_under_its_caption() -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot fehlt")
    dot = 'digraph g {\n  graph [rankdir=LR, label="Zahl am Pfeil\\l", labelloc=b];\n  a -> b;\n}\n'
    hostile = Provenance('Sozialraum: "Nord\\N" <b>', synthetic=True)
    svg = journeymap.render(stamp_dot(dot, hostile), "svg").decode()
    assert "Zahl am Pfeil" in svg  # the drawing's own caption stays
    assert "Sozialraum: &quot;Nord\\N&quot; &lt;b&gt;" in svg
    assert "erfunden" in svg
    plain = journeymap.render(stamp_dot("digraph { a -> b }", REAL), "svg").decode()
    assert "Sozialraum: Ennigerloh · Phase: Antrag" in plain and "erfunden" not in plain
