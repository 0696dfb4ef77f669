"""Helpers shared by tests in several folders (imported as ``tests.support.…``).

- ``apptest``: the stand-in browser for Streamlit's AppTest and ``sign_in`` (used through the
  ``apptest_browser`` and ``sign_in`` fixtures of tests/conftest.py).
- ``families``: the mother-and-child household that many tests give a journey.
- ``hostile_backups``: the corpus of spoiled backups that a restore must refuse.

The fixtures built on them (``db``, ``family``, ``apptest_browser``, ``sign_in``) live in
tests/conftest.py, so every test folder reaches them.
"""
