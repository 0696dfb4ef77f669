"""The parts of the Ist-und-Soll page (pages/soll.py): the side-by-side view, the Soll journey and
its measures."""
