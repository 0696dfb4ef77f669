"""The migration of the Sozialraum profiles and shapes, and coordinates of services.

``m024_sozialraum_profiles``: one row of figures per Sozialraum (or the whole area as the
comparison value), one outline per Sozialraum (the GeoJSON text of its geometry), and an
optional WGS84 point (latitude, longitude) for every service, for the map.
"""

from __future__ import annotations

from sqlite_utils import Database


def m024_sozialraum_profiles(db: Database) -> None:
    """Profiles and shapes of the Sozialräume; latitude and longitude of services."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS sozialraum_profiles (
            sozialraum TEXT PRIMARY KEY,
            inhabitants INTEGER,
            inhabitants_year INTEGER,
            inhabitants_source TEXT NOT NULL DEFAULT '',
            under_65 INTEGER,
            under_65_year INTEGER,
            under_65_source TEXT NOT NULL DEFAULT '',
            recipients INTEGER,
            recipients_year INTEGER,
            recipients_source TEXT NOT NULL DEFAULT '',
            quota REAL,
            quota_year INTEGER,
            quota_source TEXT NOT NULL DEFAULT '',
            whole_area INTEGER NOT NULL DEFAULT 0,
            synthetic INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS sozialraum_shapes (
            sozialraum TEXT PRIMARY KEY REFERENCES sozialraeume(name),
            geometry TEXT NOT NULL,
            schematic INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT ''
        );
        """
    )
    columns = {row[1] for row in db.execute("PRAGMA table_info(services)")}
    for column in ("lat", "lon"):
        if column not in columns:
            db.execute(f"ALTER TABLE services ADD COLUMN {column} REAL")
