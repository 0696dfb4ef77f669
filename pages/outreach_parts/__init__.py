"""The parts of the page Aufsuchende Hilfe (``pages/outreach.py``)."""
