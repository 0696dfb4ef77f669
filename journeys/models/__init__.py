"""The models: the records every layer above shares, and the rules that go with them.

Nothing here touches the database or Streamlit; storage writes and returns these records.
This face re-exports the case model, so callers write ``from journeys.models import Family``.
The rooms:

- ``case``: families, members, journeys, steps, barrier tags, referrals, services, Soll
  measures, consents (the single source of truth of a case).
- ``permissions``: the access policy: the roles, the one table of what each may do
  (``ROLE_PERMISSIONS``), the ``User`` of a session.
- ``accounts``: password rules and hashes, session tokens and lifetime, ``AccessSettings``.
- ``throttle``: the delays after wrong passwords and join codes.
- ``workshops``: the records of a workshop and its join code.

Why the policy sits here and not in ``journeys.access``: storage returns users and applies
the throttle, and storage sits below every room that uses it (docs/architecture.md).
- ``public_address``: what makes a valid address for participants' devices.
- ``sozialraum``: a Sozialraum's profile figures and its shape (outline) for the map.
"""

from journeys.models.case import *
