"""The parts of the three workshop pages (workshop.py, workshop_presenter.py, workshop_join.py)."""
