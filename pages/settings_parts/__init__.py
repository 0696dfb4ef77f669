"""The tabs of the Einstellungen page (pages/settings.py) and what they share."""
