"""The default barrier taxonomy and the ways a coach finds a barrier in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from journeys.reference.taxonomy import SENSITIVE_CATEGORY, Taxonomy, load_taxonomy

# docs/domain.md §5: ten categories in this order, with this many barriers each.
CATEGORY_SIZES = {
    "sprache": 5,
    "information": 4,
    "verfahren": 4,
    "digital": 3,
    "erreichbarkeit": 5,
    "familie": 4,
    "vertrauen": 4,
    "gesundheit": 4,
    "existenz": 4,
    "passung": 4,
}


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def retire(taxonomy: Taxonomy, *keys: str) -> Taxonomy:
    barriers = [b.model_copy(update={"retired": b.key in keys}) for b in taxonomy.barriers]
    return taxonomy.model_copy(update={"barriers": barriers})


# ---------------------------------------------------------------- the default file


def test_default_taxonomy_has_ten_categories_and_41_barriers(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.categories) == 10
    assert len(taxonomy.barriers) == 41
    assert taxonomy.version


def test_categories_come_in_the_documented_order_and_size(taxonomy: Taxonomy) -> None:
    assert [c.key for c in taxonomy.categories] == list(CATEGORY_SIZES)
    sizes = {c.key: len(bs) for c, bs in taxonomy.grouped()}
    assert sizes == CATEGORY_SIZES


def test_keys_are_unique_and_start_with_their_category(taxonomy: Taxonomy) -> None:
    keys = [b.key for b in taxonomy.barriers]
    assert len(keys) == len(set(keys))
    assert len({c.key for c in taxonomy.categories}) == 10
    assert all(b.key.split(".")[0] == b.category for b in taxonomy.barriers)


WELL_KNOWN = [
    "sprache.deutsch",
    "erreichbarkeit.oeffnungszeiten",
    "existenz.schulden",
    "passung.uebergabe",
    "gesundheit.psychisch",
]


@pytest.mark.parametrize("key", WELL_KNOWN)
def test_well_known_barriers_are_present(taxonomy: Taxonomy, key: str) -> None:
    barrier = taxonomy.barrier(key)
    assert barrier.label and not barrier.retired


def test_every_barrier_explains_itself_and_asks_one_or_two_guiding_questions(
    taxonomy: Taxonomy,
) -> None:
    for barrier in taxonomy.barriers:
        assert barrier.explanation.strip(), barrier.key
        assert 1 <= len(barrier.questions) <= 2, barrier.key
        assert all(q.rstrip().endswith("?") for q in barrier.questions), barrier.key


def test_every_category_has_a_label_and_a_distinct_colour(taxonomy: Taxonomy) -> None:
    assert all(c.label for c in taxonomy.categories)
    assert len({c.color.lower() for c in taxonomy.categories}) == 10


def test_only_health_is_sensitive(taxonomy: Taxonomy) -> None:
    assert [c.key for c in taxonomy.categories if c.sensitive] == [SENSITIVE_CATEGORY]
    assert SENSITIVE_CATEGORY == "gesundheit"


def test_both_sides_occur_so_the_report_can_say_what_services_can_change(
    taxonomy: Taxonomy,
) -> None:
    assert {b.side for b in taxonomy.barriers} == {"angebot", "person"}


def test_unknown_key_raises_key_error(taxonomy: Taxonomy) -> None:
    with pytest.raises(KeyError):
        taxonomy.barrier("sprache.klingonisch")
    with pytest.raises(KeyError):
        taxonomy.category("wetter")


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("oeffnungs", "erreichbarkeit.oeffnungszeiten"),
        ("Öffnungs", "erreichbarkeit.oeffnungszeiten"),
        ("ÖFFNUNGSZEITEN", "erreichbarkeit.oeffnungszeiten"),
        ("öffnungszeiten", "erreichbarkeit.oeffnungszeiten"),
        ("behoerdendeutsch", "sprache.behoerdendeutsch"),
        ("SCHULDEN", "existenz.schulden"),
        ("kein auto", "erreichbarkeit.mobilitaet"),
        ("  auto   öpnv ", "erreichbarkeit.mobilitaet"),
        ("dolmetsch", "sprache.dolmetschung"),
        ("zebrastreifen", None),  # a word found nowhere: nothing, not everything
    ],
)
def test_search_forgives_case_umlauts_and_spacing(
    taxonomy: Taxonomy, query: str, expected: str | None
) -> None:
    found = [b.key for b in taxonomy.search(query)]
    if expected is None:
        assert found == []
    else:
        assert expected in found


def test_search_matches_the_category_label(taxonomy: Taxonomy) -> None:
    found = {b.key for b in taxonomy.search("Gesundheit & Belastung")}
    assert {b.key for b in taxonomy.barriers if b.category == "gesundheit"} <= found


def test_every_word_must_match(taxonomy: Taxonomy) -> None:
    assert [b.key for b in taxonomy.search("auto schulden")] == []


def test_empty_search_lists_every_active_barrier(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.search("")) == 41


def test_search_leaves_out_retired_barriers_unless_asked(taxonomy: Taxonomy) -> None:
    retired = retire(taxonomy, "erreichbarkeit.oeffnungszeiten")
    assert retired.search("oeffnungs") == []
    assert [b.key for b in retired.search("oeffnungs", include_retired=True)] == [
        "erreichbarkeit.oeffnungszeiten"
    ]


# ---------------------------------------------------------------- grouped


def test_grouped_keeps_the_file_order(taxonomy: Taxonomy) -> None:
    grouped = taxonomy.grouped()
    assert [c.key for c, _ in grouped] == list(CATEGORY_SIZES)
    flat = [b.key for _, barriers in grouped for b in barriers]
    assert flat == [b.key for b in taxonomy.barriers]


def test_grouped_hides_retired_barriers_but_keeps_them_on_request(taxonomy: Taxonomy) -> None:
    retired = retire(taxonomy, "sprache.deutsch", "digital.nur_online")
    visible = {b.key for _, bs in retired.grouped() for b in bs}
    assert len(visible) == 39
    assert "sprache.deutsch" not in visible and "digital.nur_online" not in visible
    everything = [b.key for _, bs in retired.grouped(include_retired=True) for b in bs]
    assert everything == [b.key for b in taxonomy.barriers]
    assert [b.key for b in retired.active_barriers()] == [
        b.key for b in taxonomy.barriers if b.key not in ("sprache.deutsch", "digital.nur_online")
    ]


def test_a_category_whose_barriers_are_all_retired_still_shows_empty(taxonomy: Taxonomy) -> None:
    retired = retire(taxonomy, "digital.endgeraet", "digital.kompetenz", "digital.nur_online")
    assert {c.key: bs for c, bs in retired.grouped()}["digital"] == []


# ---------------------------------------------------------------- other files


CATEGORY = '[[categories]]\nkey = "sprache"\nlabel = "Sprache"\n'
BARRIER = (
    '[[barriers]]\nkey = "{key}"\ncategory = "{category}"\nlabel = "X"\n'
    'levesque = "AP"\nside = "person"\nntu = "K"\n'
)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (CATEGORY + BARRIER.format(key="wetter.regen", category="wetter"), "Unbekannte Kategorie"),
        (CATEGORY + BARRIER.format(key="sprache.a", category="sprache") * 2, "nicht eindeutig"),
        (CATEGORY + BARRIER.format(key="digital.a", category="sprache"), "passt nicht"),
    ],
)
def test_a_broken_taxonomy_file_is_refused_with_a_german_reason(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = tmp_path / "taxonomie.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValidationError, match=problem):
        load_taxonomy(path)


def test_positions_follow_the_order_of_a_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "taxonomie.toml"
    path.write_text(
        CATEGORY
        + BARRIER.format(key="sprache.z", category="sprache")
        + BARRIER.format(key="sprache.a", category="sprache"),
        encoding="utf-8",
    )
    custom = load_taxonomy(path)
    assert [b.key for _, bs in custom.grouped() for b in bs] == ["sprache.z", "sprache.a"]
