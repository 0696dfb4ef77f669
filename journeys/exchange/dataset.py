"""The dataset file format: generated from the pydantic models, with a format name and
version; its JSON Schema is published under ``data/schema/``.

A file holds the reference data it needs (barrier taxonomy, stage template, service
catalogue, Sozialräume with their figures and outlines), so another installation can
read it, and the families with their journeys. Ownership comes from the nesting: a
journey belongs to the family it is listed under and a step to its journey; the
``family_id`` and ``journey_id`` fields inside are bookkeeping and are set on import.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field

from journeys.exchange.dataset_goals import DatasetGoal
from journeys.exchange.dataset_helped import DatasetHelped
from journeys.exchange.dataset_resources import DatasetResource
from journeys.models import (
    Base,
    CaseCode,
    Consent,
    Family,
    Journey,
    Name,
    Service,
    ShortText,
    Stage,
    StepDependency,
)
from journeys.models.resources import SozialraumResource
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape
from journeys.paths import DATA_DIR
from journeys.reference.resources import ResourceTaxonomy
from journeys.reference.taxonomy import Taxonomy

FORMAT = "zugangsatlas"
FORMAT_VERSION = "2"  # 2: the family's goals (issue #15)
READABLE_VERSIONS = ("1", "2")  # files of every version listed here still import
SCHEMA_PATH = DATA_DIR / "schema" / f"zugangsatlas-dataset-v{FORMAT_VERSION}.schema.json"
SCHEMA_ID = f"urn:zugangsatlas:schema:dataset:v{FORMAT_VERSION}"
UTF8_BOM = b"\xef\xbb\xbf"  # Excel and Windows editors put it in front of UTF-8 files


# ---------------------------------------------------------------- the format


class DatasetFamily(Family):
    """A family in a dataset file. The case code must be given: without it, a new random
    code would be made up and the family could not be recognised again."""

    code: CaseCode


class FamilyEntry(Base):
    """One family with all its journeys (Ist and Soll), steps, barrier tags and referrals."""

    family: DatasetFamily
    journeys: list[Journey] = Field(default_factory=list)
    # The family's consents per purpose: the proof that an export for a purpose may hold it.
    consents: list[Consent] = Field(default_factory=list)
    # Waits between steps of one journey ("wartet auf"), naming steps and members by the
    # ids they carry in this file.
    dependencies: list[StepDependency] = Field(default_factory=list)
    # The family's goals in their own words (format version 2), naming members and steps
    # by the ids they carry in this file.
    goals: list[DatasetGoal] = Field(default_factory=list)
    # What helped to reduce or remove its barrier tags (issue 15; optional), naming tags
    # and services by the ids they carry in this file.
    what_helped: list[DatasetHelped] = Field(default_factory=list)
    # What the family and its members can draw on (issue #15, optional), naming members and
    # catalogue entries by the ids they carry in this file.
    resources: list[DatasetResource] = Field(default_factory=list)


class Dataset(Base):
    """A Zugangsatlas dataset: reference data and pseudonymous families with their journeys.

    Families carry random case codes only, never names, dates of birth or addresses.
    """

    model_config = ConfigDict(title="Zugangsatlas-Datensatz")

    format: Literal["zugangsatlas"]
    format_version: Literal["1", "2"]
    exported_at: datetime | None = None
    template_version: ShortText = ""
    taxonomy: Taxonomy | None = None
    stages: list[Stage] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    sozialraeume: list[Name] = Field(default_factory=list)
    # The Sozialräume's figures and outlines (optional: older files have none).
    sozialraum_profiles: list[SozialraumProfile] = Field(default_factory=list)
    sozialraum_shapes: list[SozialraumShape] = Field(default_factory=list)
    # The resource taxonomy and the catalogue of Sozialraum resources (issue #15, optional).
    resource_taxonomy: ResourceTaxonomy | None = None
    sozialraum_resources: list[SozialraumResource] = Field(default_factory=list)
    families: list[FamilyEntry] = Field(default_factory=list)


class FastDataset(Dataset):
    """The dataset read in one pass, stopping at the first broken family: a file of
    millions of broken entries must not make millions of errors (the slow path counts
    the families first and names the problems family by family)."""

    families: list[FamilyEntry] = Field(default_factory=list, fail_fast=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, generated from the models (so it cannot drift)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **Dataset.model_json_schema(),
    }


def schema_text() -> str:
    """The schema as it is committed under ``data/schema/``: stable order, UTF-8, newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the JSON Schema file (run after a model change: ``python -m journeys.exchange``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
