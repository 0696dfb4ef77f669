"""Checks across the fields of the rows: required values, roles with their age bands,
barrier details without a barrier, the family of every row (case code or the table's own
label) with its family-level values, and rows copied twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from journeys.exchange.sheetimport.cells import objects
from journeys.exchange.sheetimport.columns import TAG_DETAILS
from journeys.exchange.sheetimport.problems import Problems
from journeys.i18n import t


def family_keys(
    frame: pd.DataFrame,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: Problems,
) -> pd.Series:
    """The family of every row: its case code, or "label:<Familie>" for a family without
    one (joined to a code if other rows give the same label a code). ``None`` for a row
    that names no family or a broken code."""
    codes = parsed["fallcode"]
    labels = frame["familie"] if "familie" in frame else pd.Series("", index=frame.index)
    if "fallcode" in frame:
        code_given = frame["fallcode"] != ""
    else:
        code_given = pd.Series(False, index=frame.index)
    both = pd.DataFrame({"label": labels, "code": codes})[(labels != "") & codes.notna()]
    label_codes = both.drop_duplicates().groupby("label", sort=False)["code"]
    joined: dict[str, str] = {}
    for label, group in label_codes:
        if group.nunique() == 1:
            joined[str(label)] = group.iloc[0]
        else:
            rows = both.index[both["label"] == label]
            for code in group:
                first = both.index[(both["label"] == label) & (both["code"] == code)]
                problems.add(
                    first,
                    columns.get("fallcode", ""),
                    t("sheetimport.code_and_label", code=code, label=label),
                )
            bad.loc[rows] = True
    label_only = (codes.isna() & ~code_given & (labels != "")).to_numpy()
    keys = [
        joined.get(label, f"label:{label}") if only else code
        for code, label, only in zip(codes, labels, label_only, strict=True)
    ]
    missing = codes.isna() & ~code_given & (labels == "")
    if missing.any():
        column = columns.get("fallcode") or columns.get("familie", "")
        problems.add(frame.index[missing], column, t("sheetimport.no_family"))
    return objects(keys, frame.index)


def family_values(
    keys: pd.Series, values: pd.Series, raw: pd.Series, column: str, problems: Problems
) -> dict[Any, Any]:
    """The one value a family-level field has across the family's rows (empty cells are
    fine: the field is often filled in the first row only)."""
    frame = pd.DataFrame({"family": keys, "value": values})
    known = frame[keys.notna()]
    given = known[known["value"].notna()]
    distinct = given.drop_duplicates()
    counts = distinct.groupby("family", sort=False).size()
    differing = set(counts[counts > 1].index)
    if differing:
        mixed = given[given["family"].isin(differing)]
        for rows in mixed.groupby("family", sort=False).groups.values():
            values = dict.fromkeys(mixed.loc[rows, "value"])
            shown = ", ".join(f"„{getattr(v, 'label', v)}“" for v in values)
            problems.add(rows, column, t("sheetimport.family_differs", values=shown))
    result = dict(zip(distinct["family"], distinct["value"], strict=True))
    filled = set(keys[keys.notna() & (raw != "")])
    unfilled = known[~known["family"].isin(filled)]
    for row in unfilled.drop_duplicates("family").index:
        problems.add([row], column, t("sheetimport.family_missing"))
    return result


def check_rows(
    frame: pd.DataFrame,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: Problems,
) -> None:
    """Checks across the fields of one row: required values, role and age, tag details."""
    for name in ("phase", "monat"):
        missing = frame[name] == ""
        if missing.any():
            problems.add(frame.index[missing], columns[name], t("sheetimport.missing_value"))
            bad |= missing
    role = parsed["rolle"]
    ages = [
        r[1] if r is not None and r[1] is not None else a
        for r, a in zip(role, parsed["altersgruppe"], strict=True)
    ]
    members = [
        (r[0], a) if r is not None and a is not None else None
        for r, a in zip(role, ages, strict=True)
    ]
    parsed["member"] = objects(members, frame.index)
    no_age = role.notna() & parsed["member"].isna() & ~bad
    if no_age.any():
        problems.add(frame.index[no_age], columns["rolle"], t("sheetimport.missing_age"))
        bad |= no_age
    if "altersgruppe" in frame:
        lone_age = (frame["rolle"] == "") & (frame["altersgruppe"] != "")
        if lone_age.any():
            problems.add(
                frame.index[lone_age], columns["altersgruppe"], t("sheetimport.age_without_role")
            )
            bad |= lone_age
    details = [name for name in TAG_DETAILS if name in frame]
    if details:
        filled = frame[details] != ""
        orphan = (frame["barriere"] == "") & filled.any(axis=1)
        if orphan.any():
            for rows, names in _group_rows(filled[orphan]):
                shown = ", ".join(columns[n] for n in names)
                problems.add(
                    rows, columns["barriere"], t("sheetimport.tag_without_barrier", fields=shown)
                )
            bad |= orphan


def _group_rows(filled: pd.DataFrame) -> Iterator[tuple[list[int], list[str]]]:
    """Rows grouped by which of the columns they fill."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for row, flags in zip(filled.index, filled.itertuples(index=False), strict=True):
        names = tuple(n for n, f in zip(filled.columns, flags, strict=True) if f)
        groups.setdefault(names, []).append(int(row))
    for names, rows in groups.items():
        yield rows, list(names)


STEP_FIELDS = ("phase", "dienst", "kanal", "monat", "ergebnis")
PII_FIELDS = ("sozialraum", "dienst", "notiz")  # stored text a row can carry
TAG_VALUES = (
    "barrier_key",
    "severity",
    "status",
    "identified_on",
    "reduced_on",
    "removed_on",
    "note",
)


def check_duplicates(
    family: pd.Series,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: Problems,
) -> None:
    """The same barrier for the same person in the same step twice: a copied row."""
    tagged = parsed["barriere"].notna() & ~bad
    if not tagged.any():
        return
    services = objects((d[0] if d else None for d in parsed["dienst"]), family.index)
    columns_of_key = {
        "family": family,
        **{name: parsed[name] for name in STEP_FIELDS},
        "dienst": services,
        "barriere": parsed["barriere"],
        "member": parsed["member"],
    }
    # Each part as a number (equal values, equal numbers): grouping numbers is fast.
    keys = pd.DataFrame(
        {name: pd.factorize(values[tagged])[0] for name, values in columns_of_key.items()},
        index=family.index[tagged],
    )
    keys["row"] = keys.index
    first = keys.groupby(list(columns_of_key), sort=False)["row"].transform("min")
    for row in keys.index[first != keys["row"]]:
        problems.add(
            [row], columns["barriere"], t("sheetimport.duplicate_row", first=int(first[row]))
        )
        bad[row] = True
