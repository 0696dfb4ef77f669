"""Workshops: a group walks through one journey, collects barriers, votes and agrees measures.

The rooms of this package (import the module you need; this face re-exports nothing):

- ``walkthrough``: running a workshop: the step the projector shows, the summary with the
  barriers ranked by the participants' dots, the observations applied to the journey, a
  workshop on an archetype. It re-exports the models, so pages import this one module.
- ``summary_export``: the summary as Markdown and as a Word document.
- ``join_link``: the address participants open, the join link and its QR code (the rules
  of a valid address are ``journeys.models.public_address``'s).

The records of a workshop (workshop, participants, items, ranking, summary) are
``journeys.models.workshops``: ``journeys.storage`` returns them.

The votes themselves (the dots and their limit per participant), the items and the join
codes are stored by ``journeys.storage.workshops`` (with ``workshop_items`` and
``workshop_votes``); a guest's return to a workshop on the same device by
``journeys.storage.participation``.
"""
