"""The parts of the Perspektivwechsel page (pages/perspective.py): the view, the answers, the
emotion curve, the style."""
