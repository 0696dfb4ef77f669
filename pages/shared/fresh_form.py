"""Create forms that start empty after success, in the browser too (issue 12, finding 6).

Dropping a widget's key from the session state resets it on the server, but the browser
keeps drawing what was typed: a widget with a key keeps its identity, and the browser
sends its value back on the next click. That is how the new-account form kept the roles
and teams of the account created before. The reliable way to an empty form is a widget
the browser has never seen: after a successful create the form's keys get a new revision
(``renew``), so every field is drawn anew with its default. A refused create does not
renew, so what was typed stays to be corrected.

Revision 0 keeps the plain name (``users_new`` → ``users_new_username``), so links, tests
and the first form of a session use stable keys; later revisions read ``users_new_r1_…``.
"""

from __future__ import annotations

import streamlit as st


def _counter(name: str) -> str:
    return f"fresh_form:{name}"  # no widget key starts like this


def revision(name: str) -> int:
    """How many times form ``name`` was renewed in this session."""
    return int(st.session_state.get(_counter(name), 0))


def prefix(name: str) -> str:
    """The key prefix of form ``name`` in its current revision."""
    n = revision(name)
    return name if n == 0 else f"{name}_r{n}"


def renew(name: str) -> None:
    """After a successful create: the next run draws form ``name`` with fresh, empty fields."""
    old = prefix(name) + "_"
    st.session_state[_counter(name)] = revision(name) + 1
    for key in [k for k in st.session_state if str(k).startswith(old)]:
        del st.session_state[key]  # the old widgets' values (passwords too) are not kept
