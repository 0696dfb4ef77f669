"""The stage template and the service catalogue that ship with the tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from journeys.models import Service, StageTemplate
from journeys.reference import load_services, load_template

# docs/domain.md §4, in this order.
STAGES = [
    "erstkontakt",
    "antrag",
    "orientierung",
    "kooperationsplan",
    "verweisberatung",
    "kinderbetreuung",
    "fallkonferenz",
    "massnahme",
    "vermittlung",
    "nachbetreuung",
    "abloesung",
]


@pytest.fixture(scope="module")
def template() -> StageTemplate:
    return load_template()


@pytest.fixture(scope="module")
def catalogue() -> tuple[list[str], list[Service]]:
    return load_services()


def test_template_has_the_eleven_stages_in_design_order(template: StageTemplate) -> None:
    assert [s.key for s in template.stages] == STAGES
    assert [s.position for s in template.stages] == list(range(11))
    assert template.version


def test_every_stage_has_a_label_a_description_and_typical_services(
    template: StageTemplate,
) -> None:
    for stage in template.stages:
        assert stage.label and stage.description, stage.key
        assert stage.typical_services, stage.key
        assert not stage.retired, stage.key


@pytest.mark.parametrize(
    ("key", "word"),
    [("erstkontakt", "Erstkontakt"), ("antrag", "Antrag"), ("kooperationsplan", "Kooperationsplan"),
     ("verweisberatung", "Verweisberatung"), ("abloesung", "Ablösung")],
)  # fmt: skip
def test_stage_labels_are_german(template: StageTemplate, key: str, word: str) -> None:
    assert word in next(s.label for s in template.stages if s.key == key)


def test_services_cover_the_demo_sozialraeume(catalogue: tuple[list[str], list[Service]]) -> None:
    sozialraeume, services = catalogue
    assert {"Everswinkel", "Ennigerloh"} <= set(sozialraeume)
    assert {s.sozialraum for s in services} <= set(sozialraeume)
    for place in ("Everswinkel", "Ennigerloh"):
        assert any(s.sozialraum == place for s in services), place


def test_service_names_are_unique_within_a_sozialraum(
    catalogue: tuple[list[str], list[Service]],
) -> None:
    _, services = catalogue
    pairs = [(s.sozialraum, s.name) for s in services]
    assert len(pairs) == len(set(pairs))


def test_every_service_stage_exists_in_the_template(
    template: StageTemplate, catalogue: tuple[list[str], list[Service]]
) -> None:
    keys = {s.key for s in template.stages}
    _, services = catalogue
    for service in services:
        assert service.stages, service.name
        assert set(service.stages) <= keys, (service.name, set(service.stages) - keys)


def test_every_stage_has_a_service_in_each_demo_sozialraum(
    template: StageTemplate, catalogue: tuple[list[str], list[Service]]
) -> None:
    """The demo picks a local or county-wide service for each step; none may be missing."""
    _, services = catalogue
    for place in ("Everswinkel", "Ennigerloh"):
        local = [s for s in services if s.sozialraum in (place, "Kreis Warendorf")]
        for stage in template.stages:
            assert any(stage.key in s.stages for s in local), (place, stage.key)


def test_outreach_exists_for_families_who_stopped_contact(
    catalogue: tuple[list[str], list[Service]],
) -> None:
    _, services = catalogue
    assert any("Aufsuchende" in s.name for s in services)


def test_the_shipped_catalogue_holds_no_phone_numbers(
    catalogue: tuple[list[str], list[Service]],
) -> None:
    """Synthetic reference data: generic contact routes, never a real number."""
    _, services = catalogue
    for service in services:
        assert sum(ch.isdigit() for ch in service.contact) < 5, service.name


def test_sozialraeume_are_derived_when_the_file_does_not_list_them(tmp_path: Path) -> None:
    path = tmp_path / "dienste.toml"
    path.write_text(
        '[[services]]\nname = "Kita Sonnenschein"\nsozialraum = "Sendenhorst"\n'
        '[[services]]\nname = "Tafel"\nsozialraum = "Ahlen"\n',
        encoding="utf-8",
    )
    sozialraeume, services = load_services(path)
    assert sozialraeume == ["Ahlen", "Sendenhorst"]
    assert [s.name for s in services] == ["Kita Sonnenschein", "Tafel"]


def test_a_template_with_a_bad_stage_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vorlage.toml"
    path.write_text('[[stages]]\nkey = "Erst Kontakt"\nlabel = "Erstkontakt"\n', encoding="utf-8")
    with pytest.raises(ValidationError):
        load_template(path)
