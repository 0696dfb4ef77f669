"""The export and import tabs of the Daten page (pages/data.py)."""
