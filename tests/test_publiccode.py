"""The project's public metadata: licence, publiccode.yml, security policy, changelog.

Catalogues (openCode, the EU's and Italy's) read publiccode.yml by machine: a missing key
or a value outside the standard's vocabulary drops the project from the listing. The
checks follow the publiccode.yml standard 0.4 (https://yml.publiccode.tools).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# From the standard's controlled vocabularies (categories list, scope list).
CATEGORIES = {
    "data-analytics", "data-collection", "data-visualization", "workflow-management",
    "knowledge-management", "document-management", "collaboration", "survey",
}  # fmt: skip
SCOPES = {"employment", "welfare", "local-authorities", "society", "education", "healthcare"}
SOFTWARE_TYPES = {
    "standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
    "standalone/backend", "standalone/other", "addon", "library", "configurationFiles",
}  # fmt: skip


@pytest.fixture(scope="module")
def publiccode() -> dict:
    with (ROOT / "publiccode.yml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_publiccode_has_every_mandatory_key_of_the_standard(publiccode: dict) -> None:
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert publiccode["name"] == "Zugangsatlas"
    assert re.fullmatch(r"https://\S+\.git", publiccode["url"])
    assert publiccode["platforms"] == ["web"]
    assert publiccode["developmentStatus"] in {
        "concept", "development", "beta", "stable", "obsolete"
    }  # fmt: skip
    assert publiccode["softwareType"] in SOFTWARE_TYPES
    assert publiccode["categories"] and set(publiccode["categories"]) <= CATEGORIES
    audience = publiccode["intendedAudience"]
    assert audience["countries"] == ["de"] and set(audience["scope"]) <= SCOPES
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] is True
    assert "de" in localisation["availableLanguages"]


def test_the_german_description_fits_the_standards_lengths(publiccode: dict) -> None:
    assert "de" in publiccode["description"]
    for lang, text in publiccode["description"].items():
        assert len(text["shortDescription"]) <= 150, lang
        assert 500 <= len(text["longDescription"]) <= 10_000, lang
        assert len(text["genericName"]) <= 35, lang
        assert text["features"] and all(len(f) <= 100 for f in text["features"]), lang
        for shot in text.get("screenshots", []):
            assert (ROOT / shot).is_file(), shot
    assert "Sozialdaten" in publiccode["description"]["de"]["longDescription"]


def test_licence_is_eupl_everywhere(publiccode: dict) -> None:
    assert publiccode["legal"]["license"] == "EUPL-1.2"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "EUPL-1.2" and project["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "Appendix" in licence and "Compatible Licences" in licence


def test_maintenance_names_people_when_it_claims_to_be_maintained(publiccode: dict) -> None:
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in {"internal", "contract", "community", "none"}
    if maintenance["type"] in {"internal", "community"}:
        assert maintenance["contacts"] and all(c["name"] for c in maintenance["contacts"])
    if maintenance["type"] == "contract":
        assert all(c["name"] and c["until"] for c in maintenance["contractors"])


def test_dependencies_name_the_runtime_not_libraries(publiccode: dict) -> None:
    names = {d["name"] for d in publiccode["dependsOn"]["open"]}
    assert {"Python", "Graphviz"} <= names
    assert "streamlit" not in {n.lower() for n in names}  # libraries belong in pyproject


def test_security_policy_says_how_to_report_and_what_never_to_post() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "Sicherheitslücke melden" in text and "Reporting a vulnerability" in text
    assert "keine echten sozialdaten" in text.lower()


def test_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog")
    assert "## [Unreleased]" in text
    assert "keepachangelog.com" in text
    assert re.search(r"^### (Hinzugefügt|Geändert|Behoben|Entfernt|Sicherheit)$", text, re.M)
