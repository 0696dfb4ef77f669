"""Signing page tests in: the pages show nothing to anybody who is not signed in.

``sign_in(at, UserRole.COACH)`` before the first ``at.run()`` does what the sign-in form
does: it creates an account in the test database (the one ``$ZUGANGSATLAS_DB`` names,
which the ``db`` fixtures set), opens a session for it and puts the session token into
``at.session_state["auth_token"]``. The page then finds the user in the database, as in
production; nothing is mocked. Import it in a test module with
``from auth_support import sign_in`` (tests/pages is on the import path, like
tests/e2e/e2e_support.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.permissions import User, UserRole

TOKEN_KEY = "auth_token"
_numbers = itertools.count(1)


def sign_in(
    at: AppTest,
    roles: UserRole | str | Iterable[UserRole | str] = UserRole.COACH,
    *,
    teams: Iterable[str] = (DEMO_TEAM,),
    sees_health: bool = True,
    db: Database | None = None,
    username: str | None = None,
) -> User:
    """Sign ``at`` in as a new account holding ``roles``; return that user.

    Coaches belong to the demo team (``journeys.demo.DEMO_TEAM``) unless ``teams`` says
    otherwise, and see health tags unless ``sees_health=False``. For an admin pass
    ``UserRole.ADMIN``; several roles as a list (``[UserRole.ADMIN, UserRole.COACH]``).
    The account has no password (nothing to type in a page test, and no slow hashing).
    """
    database = db if db is not None else storage.connect(storage.default_db_path())
    chosen = [roles] if isinstance(roles, str) else list(roles)
    name = username or f"test-{'-'.join(str(UserRole(r).value) for r in chosen)}-{next(_numbers)}"
    user = storage.access.create_user(
        database, name, None, chosen, teams=teams, sees_health=sees_health
    )
    assert user.id is not None
    at.session_state[TOKEN_KEY] = storage.access.open_session(database, user_id=user.id)
    return user
