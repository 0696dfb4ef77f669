"""Keys for new stages and barriers made from German labels (settings page).

A coach types a label; the key made from it is stored for good, so it must be valid,
readable and never collide with an existing (perhaps retired) key.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from journeys.models import Stage
from journeys.reference import slugify, unique_key

KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def test_umlauts_and_sharp_s_are_spelled_out() -> None:
    assert slugify("Übergabe & Nachsorge") == "uebergabe_nachsorge"
    assert slugify("Größe der Maßnahme") == "groesse_der_massnahme"
    assert slugify("Öffnungszeiten (Ämter)") == "oeffnungszeiten_aemter"


def test_other_accents_are_dropped_and_separators_collapse() -> None:
    assert slugify("  Café -- Beratung!  ") == "cafe_beratung"


def test_label_starting_with_a_digit_still_gives_a_valid_key() -> None:
    assert slugify("2. Antrag", fallback="phase") == "phase_2_antrag"


def test_empty_or_symbol_only_label_gives_the_fallback() -> None:
    assert slugify("", fallback="phase") == "phase"
    assert slugify("§ §", fallback="phase") == "phase"


def test_unique_key_counts_up_past_taken_keys() -> None:
    assert unique_key("Antrag", ["erstkontakt"]) == "antrag"
    assert unique_key("Antrag", ["antrag"]) == "antrag_2"
    assert unique_key("Antrag", ["antrag", "antrag_2"]) == "antrag_3"


@given(st.text(max_size=300), st.sets(st.text(max_size=10), max_size=5))
def test_any_label_gives_a_key_the_stage_model_accepts(label: str, taken: set[str]) -> None:
    key = unique_key(label, taken, fallback="phase")
    assert KEY.match(key)
    assert key not in taken
    Stage(key=key, label="Phase")
