"""The parts of the Bericht page (pages/report.py): the form, the preview and its tables."""
