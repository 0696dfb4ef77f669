"""The parts of the Familien page (pages/families.py): forms, paging, consents, team choice."""
