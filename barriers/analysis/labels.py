"""Labels and order of the rows a figure has: barriers and categories in taxonomy order,
stages in template order, services by Sozialraum and name (0: steps without a service).

A key the reference data lacks (a retired barrier, a removed service) is shown as itself,
last, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from barriers.analysis.filters import Level
from journeys.i18n import t
from journeys.models import Service, Stage
from journeys.reference.taxonomy import Taxonomy

# The service catalogue as the page has it: a list, or a dict by id.
Services = Mapping[int, Service] | Iterable[Service]


# Steps without a service get this key where services are rows (ids start at 1).
NO_SERVICE = 0


def _categories(taxonomy: Taxonomy) -> pd.DataFrame:
    """Per category key: category_label, category_order (taxonomy order), side.

    A category's side is the side all its barriers share, or empty when they lie on both.
    """
    sides: dict[str, set[str]] = {}
    for barrier in taxonomy.barriers:
        sides.setdefault(barrier.category, set()).add(barrier.side.value)
    ordered = sorted(taxonomy.categories, key=lambda c: (c.position, c.key))
    return pd.DataFrame(
        {
            "category_label": [c.label for c in ordered],
            "category_order": range(len(ordered)),
            "side": [_single(sides.get(c.key, set())) for c in ordered],
        },
        index=pd.Index([c.key for c in ordered], name="category"),
    )


def _single(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ""


def _keys(taxonomy: Taxonomy, level: Level) -> pd.DataFrame:
    """Per barrier (or category) key: label, category, category_label, side, order."""
    categories = _categories(taxonomy)
    if level == "category":
        return pd.DataFrame(
            {
                "label": categories["category_label"],
                "category": categories.index,
                "category_label": categories["category_label"],
                "side": categories["side"],
                "order": categories["category_order"],
            },
            index=categories.index.rename("key"),
        )
    # Plain dicts: a pandas lookup per barrier costs more than the whole table.
    order = dict(zip(categories.index, categories["category_order"], strict=True))
    names = dict(zip(categories.index, categories["category_label"], strict=True))
    ordered = sorted(
        taxonomy.barriers,
        key=lambda b: (order.get(b.category, len(categories)), b.position, b.key),
    )
    return pd.DataFrame(
        {
            "label": [b.label for b in ordered],
            "category": [b.category for b in ordered],
            "category_label": [names.get(b.category, b.category) for b in ordered],
            "side": [b.side.value for b in ordered],
            "order": range(len(ordered)),
        },
        index=pd.Index([b.key for b in ordered], name="key"),
    )


def _label_keys(frame: pd.DataFrame, taxonomy: Taxonomy, level: Level) -> pd.DataFrame:
    """Join labels onto ``frame["key"]``; a key the taxonomy lacks is shown as itself."""
    out = frame.join(_keys(taxonomy, level), on="key")
    missing = out["label"].isna()
    if missing.any():
        keys = out.loc[missing, "key"].astype(str)
        fallback = keys if level == "category" else keys.str.split(".").str[0]
        out.loc[missing, "label"] = keys
        out.loc[missing, "category"] = fallback
        out.loc[missing, "category_label"] = fallback
        out.loc[missing, "side"] = ""
        out.loc[missing, "order"] = np.inf
    return out


def _level_column(level: Level) -> str:
    return "barrier_key" if level == "barrier" else "category"


def _stage_table(stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """Per stage key: label and order (template position)."""
    items = list(stages.values()) if isinstance(stages, Mapping) else list(stages)
    ordered = sorted(items, key=lambda s: (s.position, s.key))
    return pd.DataFrame(
        {"label": [s.label for s in ordered], "order": range(len(ordered))},
        index=pd.Index([s.key for s in ordered], name="stage_key"),
    )


def stage_rows(keys: pd.Series, stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """Label and order for each stage key; unknown keys show as themselves, last."""
    table = _stage_table(stages)
    out = pd.DataFrame({"key": keys.to_numpy()}).join(table, on="key")
    unknown = out["label"].isna()
    out.loc[unknown, "label"] = out.loc[unknown, "key"].astype(str)
    out["order"] = out["order"].fillna(len(table)).astype("int64")
    return out


def service_map(services: Services) -> dict[int, Service]:
    """The catalogue by id, whether given as a list or a dict."""
    if isinstance(services, Mapping):
        return dict(services)
    return {s.id: s for s in services if s.id is not None}


def service_label(service_id: int, services: Mapping[int, Service]) -> str:
    """The name of a service; "ohne Hilfeangebot" for 0, "Hilfeangebot 7" if unknown."""
    if service_id == NO_SERVICE:
        return t("analysis_domain.no_service")
    service = services.get(service_id)
    return service.name if service else t("analysis_domain.unknown_service", id=service_id)


def service_rows(keys: pd.Series, services: Services) -> pd.DataFrame:
    """Label and order for each service id (0 = no service, shown last).

    Services are ordered by Sozialraum and name; a name used in two Sozialräume gets the
    Sozialraum in brackets so that the two rows can be told apart.
    """
    catalogue = service_map(services)
    ids = sorted({int(k) for k in keys})
    known = [catalogue[i] for i in ids if i in catalogue]
    ordered = sorted(known, key=lambda s: (s.sozialraum, s.name, s.id or 0))
    unknown = [i for i in ids if i not in catalogue and i != NO_SERVICE]
    ordered_ids = [s.id for s in ordered] + unknown + [NO_SERVICE] * (NO_SERVICE in ids)
    labels = [service_label(i, catalogue) for i in ordered_ids]
    names = pd.Series(labels)
    twice = names.duplicated(keep=False).to_numpy()
    for index, service_id in enumerate(ordered_ids):
        if twice[index] and service_id in catalogue:
            labels[index] = f"{labels[index]} ({catalogue[service_id].sozialraum})"
    return pd.DataFrame({"key": ordered_ids, "label": labels, "order": range(len(ordered_ids))})
