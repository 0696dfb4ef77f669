"""The parts of the Auswertung page (pages/analysis.py): the filter row, the cached figures,
their drawing (charts, tables, downloads) and one module per group of sections."""
