"""The parts of the Reise page (pages/journey.py): the case view, barrier tags and the step editor
with its drafts."""
