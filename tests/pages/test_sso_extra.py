"""The ``sso`` extra (pyproject.toml) installs everything Streamlit's ``st.login`` imports.

``make test`` installs ``.[test,sso]``. Without the extra this test is skipped (and says
so); with it, a missing module here would be a crash at the first SSO sign-in.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest


def test_everything_st_login_imports_is_installed() -> None:
    if importlib.util.find_spec("authlib") is None:
        pytest.skip("Das Extra `sso` ist nicht installiert: pip install -e '.[sso]'")
    from streamlit.auth_util import is_authlib_installed

    assert is_authlib_installed()  # the version Streamlit asks for
    # What streamlit/web/server/starlette/starlette_auth_routes.py and auth_util.py import:
    starlette_client = importlib.import_module("authlib.integrations.starlette_client")
    jose = importlib.import_module("authlib.jose")
    assert starlette_client.OAuth and jose.jwt and jose.JoseError and jose.JWTClaims
    httpx = importlib.import_module("httpx")  # Authlib's Starlette client talks through it
    assert httpx.AsyncClient
