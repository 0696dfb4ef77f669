"""The shipped resource taxonomy (data/resources.toml): keys, kinds, questions, health."""

from __future__ import annotations

import pytest

from journeys.reference.resources import (
    ResourceKind,
    ResourceTaxonomy,
    ResourceType,
    load_resource_taxonomy,
)


def test_the_shipped_taxonomy_covers_the_three_kinds_with_plain_german_descriptions() -> None:
    taxonomy = load_resource_taxonomy()
    kinds = dict(taxonomy.grouped())
    assert all(kinds[kind] for kind in ResourceKind)
    labels = {t.label for t in taxonomy.types}
    for expected in (
        "Sprachen", "Motivation", "Familie & Verwandte", "Nachbarschaft",
        "Stadtteil- oder Familienzentrum", "Verein", "Ehrenamtliche Patenschaft",
        "Elterncafé", "Tafel & Lebensmittelhilfe", "Glaubensgemeinschaft",
    ):  # fmt: skip
        assert expected in labels
    assert all(t.description and t.questions for t in taxonomy.types)
    assert [t.position for t in taxonomy.types] == list(range(len(taxonomy.types)))


def test_a_self_help_group_reveals_health_and_is_left_out_for_pickers_without_rights() -> None:
    taxonomy = load_resource_taxonomy()
    assert taxonomy.type("sozialraum.selbsthilfegruppe").sensitive
    assert "sozialraum.selbsthilfegruppe" not in {t.key for t in taxonomy.without_sensitive().types}


def test_a_key_must_start_with_its_kind_and_keys_are_unique() -> None:
    with pytest.raises(ValueError, match="passt nicht zur Art"):
        ResourceType(key="netzwerk.oma", kind="persoenlich", label="Oma")
    one = ResourceType(key="netzwerk.oma", kind="netzwerk", label="Oma")
    with pytest.raises(ValueError, match="nicht eindeutig"):
        ResourceTaxonomy(types=[one, one])
