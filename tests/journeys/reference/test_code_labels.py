"""Every expert code of the taxonomy has a plain German label, with the code as a detail."""

from __future__ import annotations

import re

import pytest

from journeys.i18n import catalogue, t
from journeys.reference.taxonomy import Levesque, NonTakeUp, load_taxonomy

CODED = [*Levesque, *NonTakeUp]


@pytest.mark.parametrize("code", CODED, ids=[f"{type(c).__name__}.{c.value}" for c in CODED])
def test_every_code_has_a_plain_label_with_the_code_behind_it(code: Levesque | NonTakeUp) -> None:
    label = code.label
    assert label.endswith(f"({code.value})"), label
    plain = label.removesuffix(f"({code.value})").strip()
    # Words first, not the code: "Hilfe erkennen (AP)", not "AP – Wahrnehmbarkeit".
    assert len(plain) >= 8 and not plain.startswith(code.value), label
    assert re.search(r"[a-zäöü]{4}", plain), label
    # The detail says what the code means and names it too.
    assert f"({code.value})" in code.detail and len(code.detail) > 40


@pytest.mark.parametrize("kind", [Levesque, NonTakeUp])
def test_field_names_are_plain_and_the_help_explains_every_code(
    kind: type[Levesque] | type[NonTakeUp],
) -> None:
    assert kind.field() in {"Zugangsschritt", "Wo die Hürde liegt"}
    help_text = kind.field_help()
    assert all(code.detail in help_text for code in kind)


def test_labels_are_distinct() -> None:
    for kind in (Levesque, NonTakeUp):
        labels = [code.label for code in kind]
        assert len(set(labels)) == len(labels)


def test_every_code_the_shipped_taxonomy_uses_has_its_label() -> None:
    taxonomy = load_taxonomy()
    used = {b.levesque for b in taxonomy.barriers} | {b.ntu for b in taxonomy.barriers}
    assert used <= set(CODED)
    assert all(code.label for code in used)


def test_no_text_leads_with_a_bare_code_any_more() -> None:
    """The old "AP – Wahrnehmbarkeit", "K – Klient:in" are gone from every text."""
    bare = re.compile(r"^(AP|AC|AV|AF|AR|K|V|S) – ")
    assert not [key for key, text in catalogue().items() if bare.match(text)]
    assert t("fields.ntu") != "Nichtinanspruchnahme-Ebene"
