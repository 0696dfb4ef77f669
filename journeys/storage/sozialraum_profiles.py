"""Storage of the Sozialraum profiles (figures with year and source) and shapes (outlines).

A profile belongs to a Sozialraum of the data, except the one comparison profile of the
whole area (``whole_area``, e.g. "Stadt gesamt"), which must not be named like one. A
shape belongs to a Sozialraum of the data. Every save is one transaction: an import of
many profiles or the shapes of a file is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape
from journeys.storage.core import write

__all__ = [
    "delete_profile",
    "delete_shape",
    "delete_shapes",
    "get_profile",
    "list_profiles",
    "list_shapes",
    "remove_demo_places",
    "save_profile",
    "save_profiles",
    "save_shapes",
    "shape_names",
    "whole_area_profile",
]

_PROFILE_COLUMNS = tuple(SozialraumProfile.model_fields)


def _known(db: Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sozialraeume")}


def _profile_from_row(row: dict) -> SozialraumProfile:
    return SozialraumProfile(
        **{**row, "whole_area": bool(row["whole_area"]), "synthetic": bool(row["synthetic"])}
    )


# ---- profiles


def list_profiles(db: Database, *, include_whole_area: bool = True) -> list[SozialraumProfile]:
    """Every profile, in the order of the Sozialräume; the whole-area comparison last."""
    where = "" if include_whole_area else "WHERE p.whole_area = 0"
    rows = db.query(
        "SELECT p.* FROM sozialraum_profiles p "
        "LEFT JOIN sozialraeume s ON s.name = p.sozialraum "
        f"{where} ORDER BY p.whole_area, s.position, p.sozialraum"
    )
    return [_profile_from_row(row) for row in rows]


def get_profile(db: Database, sozialraum: str) -> SozialraumProfile | None:
    """The profile of one Sozialraum (or of the whole area by its name), ``None`` if none."""
    rows = list(db.query("SELECT * FROM sozialraum_profiles WHERE sozialraum = ?", [sozialraum]))
    return _profile_from_row(rows[0]) if rows else None


def whole_area_profile(db: Database) -> SozialraumProfile | None:
    """The comparison profile of the whole city or district, if one is entered."""
    rows = list(db.query("SELECT * FROM sozialraum_profiles WHERE whole_area = 1 LIMIT 1"))
    return _profile_from_row(rows[0]) if rows else None


def _check_profile(db: Database, profile: SozialraumProfile, known: set[str]) -> None:
    name = profile.sozialraum
    if profile.whole_area:
        if name in known:
            raise InputError(t("sozialraum.check.whole_area_is_sozialraum", name=name))
        other = db.execute(
            "SELECT sozialraum FROM sozialraum_profiles WHERE whole_area = 1 AND sozialraum != ?",
            [name],
        ).fetchone()
        if other:
            raise InputError(t("sozialraum.check.one_whole_area", name=other[0]))
    elif name not in known:
        raise InputError(t("sozialraum.check.unknown_sozialraum", name=name))


def _upsert_profile(db: Database, profile: SozialraumProfile) -> None:
    row = profile.model_dump(mode="json")
    row["whole_area"] = int(row["whole_area"])
    row["synthetic"] = int(row["synthetic"])
    db["sozialraum_profiles"].upsert(row, pk="sozialraum")


def save_profile(
    db: Database, profile: SozialraumProfile, *, replacing: str | None = None
) -> SozialraumProfile:
    """Insert or replace the profile of one Sozialraum (or the whole-area comparison).

    ``replacing`` names a profile this one takes the place of (the whole area renamed):
    it is removed in the same transaction, so a refused save keeps it."""
    with write(db):
        if replacing is not None and replacing != profile.sozialraum:
            db.execute("DELETE FROM sozialraum_profiles WHERE sozialraum = ?", [replacing])
        _check_profile(db, profile, _known(db))
        _upsert_profile(db, profile)
    return profile


def save_profiles(
    db: Database, profiles: Iterable[SozialraumProfile], *, replace_all: bool = False
) -> int:
    """Store many profiles in one transaction (a CSV import, a dataset); their count.

    A profile of a Sozialraum that has one replaces it; with ``replace_all`` every profile
    not among ``profiles`` is removed. Any profile that fails its check stores nothing.
    """
    profiles = list(profiles)
    with write(db):
        if replace_all:
            db.execute("DELETE FROM sozialraum_profiles")
        known = _known(db)
        for profile in profiles:
            _check_profile(db, profile, known)
            _upsert_profile(db, profile)
    return len(profiles)


def delete_profile(db: Database, sozialraum: str) -> None:
    """Remove the profile of one Sozialraum (or of the whole area)."""
    with write(db):
        gone = db.execute("DELETE FROM sozialraum_profiles WHERE sozialraum = ?", [sozialraum])
        if not gone.rowcount:
            raise NotFoundError(t("sozialraum.check.no_profile", name=sozialraum))


# ---- shapes


def list_shapes(db: Database) -> list[SozialraumShape]:
    """Every stored outline, in the order of the Sozialräume."""
    rows = db.query(
        "SELECT p.* FROM sozialraum_shapes p JOIN sozialraeume s ON s.name = p.sozialraum "
        "ORDER BY s.position, p.sozialraum"
    )
    return [SozialraumShape(**{**row, "schematic": bool(row["schematic"])}) for row in rows]


def shape_names(db: Database) -> list[str]:
    """The Sozialräume that have an outline (cheap: without the geometries)."""
    return [
        row[0]
        for row in db.execute(
            "SELECT p.sozialraum FROM sozialraum_shapes p "
            "JOIN sozialraeume s ON s.name = p.sozialraum ORDER BY s.position, p.sozialraum"
        )
    ]


def save_shapes(
    db: Database, shapes: Iterable[SozialraumShape], *, replace_all: bool = False
) -> int:
    """Store outlines in one transaction (the shapes of one file); their count.

    A Sozialraum's new outline replaces its old one; with ``replace_all`` the outlines of
    Sozialräume not in ``shapes`` are removed too. A shape of a Sozialraum that is not in
    the data stores nothing and names it.
    """
    shapes = list(shapes)
    with write(db):
        known = _known(db)
        for shape in shapes:
            if shape.sozialraum not in known:
                raise InputError(t("sozialraum.check.unknown_sozialraum", name=shape.sozialraum))
        if replace_all:
            db.execute("DELETE FROM sozialraum_shapes")
        for shape in shapes:
            row = shape.model_dump(mode="json")
            row["schematic"] = int(row["schematic"])
            db["sozialraum_shapes"].upsert(row, pk="sozialraum")
    return len(shapes)


def delete_shape(db: Database, sozialraum: str) -> None:
    """Remove the outline of one Sozialraum."""
    with write(db):
        gone = db.execute("DELETE FROM sozialraum_shapes WHERE sozialraum = ?", [sozialraum])
        if not gone.rowcount:
            raise NotFoundError(t("sozialraum.check.no_shape", name=sozialraum))


def delete_shapes(db: Database) -> int:
    """Remove every outline; how many there were."""
    with write(db):
        return db.execute("DELETE FROM sozialraum_shapes").rowcount


def remove_demo_places(db: Database) -> int:
    """Remove the demo's synthetic profiles and schematic outlines (with the demo data);
    how many rows. Real figures and uploaded outlines stay."""
    with write(db):
        profiles = db.execute("DELETE FROM sozialraum_profiles WHERE synthetic = 1").rowcount
        shapes = db.execute("DELETE FROM sozialraum_shapes WHERE schematic = 1").rowcount
    return profiles + shapes
