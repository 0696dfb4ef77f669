"""Sign-in: who is using the app, checked against the database on every run.

``current_user()`` is the one place every page asks "who is this?". It reads only the
session token of the browser's HttpOnly cookie (``st.context.cookies``, from the current
connection) and looks it up in the database; neither a Streamlit session id nor the
session state signs anybody in. A sign-in form issues a one-time ticket that a server
route turns into the cookie (``pages/web/web_routes.py``, ``pages/session/browser_session.py``).
Sign-out ends the session in the database (every tab), then ``/abmelden`` clears the
cookie with a full page load: no widget values remain.

``gate()`` runs in app.py before the navigation. Nobody signed in means the app shows
only the sign-in screen, under every address of the app (a deep link such as
``/reise?familie=…`` signs in first and then opens the family). A new installation asks
for its first administrator instead. Where single sign-on is configured
(``[auth]`` in ``.streamlit/secrets.toml``), "Mit Single Sign-on anmelden" uses
Streamlit's own OIDC login and the person is matched to a local account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlparse

import streamlit as st

from journeys import storage
from journeys.access import pii
from journeys.errors import InputError, ZugangsatlasError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.permissions import Permission, User
from pages.session import browser_session, database, first_start
from pages.web import client
from pages.web.web_routes import SIGN_OUT_PATH, SIGNED_OUT_PARAM

_NOTICE_KEY = "_auth_notice"
JOIN_PATH = "teilnehmen"  # the participants' page (app.py), the address the projector shows
_home: Callable[[User], str] | None = None  # set by gate() on every run (app.py)
_SSO_CLAIMS = ("email", "preferred_username", "upn")


# ---------------------------------------------------------------- who is signed in


def current_user() -> User | None:
    """The signed-in user of this browser, or ``None``.

    Looked up in the database on every call: a timed-out session, a deactivated account
    or a forged token gives ``None``. Also moves the session's idle timer on.
    """
    token = browser_session.browser_token()
    if token is None:
        return None
    return storage.access.user_for_session(database.db(), token)


def sign_out() -> None:
    """End the session in the database (every tab), then let the server clear the cookie."""
    db = database.db()
    user = current_user()
    token = browser_session.browser_token()
    if token is not None:
        storage.access.close_session(db, token)
    if user is not None:
        _audit(storage.audit.ABMELDUNG, user.username, t("access.audit_logout"))
    if _sso_signed_in():
        st.logout()  # Streamlit's own full page load through /auth/logout
        return
    browser_session.navigate(SIGN_OUT_PATH)


def _audit(action: str, username: str, detail: str) -> None:
    storage.audit.record(
        database.db(), action, storage.audit.BENUTZER, username, detail=detail, actor=username
    )


# ---------------------------------------------------------------- the gate


def gate(url_paths: Iterable[str] = (), home: Callable[[User], str] | None = None) -> User:
    """The signed-in user; when there is none, show only the sign-in screen and stop.

    ``url_paths`` are the addresses of the app's pages (the first one is the default
    page): the sign-in screen answers under each of them, so that a link into the app
    opens the wanted page right after signing in. ``home(user)`` names the page that
    user's navigation opens at ``/``.
    """
    global _home
    _home = home
    user = current_user()
    if user is None:
        if browser_session.browser_token() is not None:
            # The cookie outlived its session (idle or absolute limit, or signed out in
            # another tab): said once per tab; SSO users leave the IdP session too.
            if not st.session_state.get("_auth_expired_said"):
                st.session_state["_auth_expired_said"] = True
                st.session_state[_NOTICE_KEY] = t("access.session_expired")
            if _sso_signed_in():
                st.logout()
        elif _sso_signed_in():
            _sso_sign_in()
        _show_sign_in_only(list(url_paths))
        st.stop()
    storage.audit.current_actor.set(user.username)
    _sidebar(user)
    return user


def _show_sign_in_only(url_paths: list[str]) -> None:
    """A navigation with nothing but the sign-in screen, at ``/`` and under every page
    address (Streamlit answers its default page only at ``/``, so the default is a page
    of its own: every app address then finds its sign-in screen without a dialog)."""
    paths = ["anmelden", *(p for p in url_paths if p and p != "anmelden")]
    pages = [
        st.Page(
            sign_in_screen,
            title=t("access.sign_in_title"),
            icon=":material/login:",
            url_path=path,
            default=index == 0,
        )
        for index, path in enumerate(paths)
    ]
    st.navigation(pages, position="hidden").run()


def _sidebar(user: User) -> None:
    """Who is signed in, with which roles, and the sign-out button."""
    with st.sidebar:
        st.text(t("access.signed_in_as", name=accounts.display(user)))
        st.caption(accounts.roles_text(user))
        if st.button(t("access.sign_out"), key="auth_sign_out", icon=":material/logout:"):
            sign_out()


# ---------------------------------------------------------------- sign-in screen


def sign_in_screen() -> None:
    """First start: create the administrator. Otherwise: sign in, or join a workshop."""
    db = database.db()
    st.title(t("access.sign_in_title"))
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if st.query_params.get(SIGNED_OUT_PARAM):
        notice = t("access.signed_out")
    if notice:
        st.info(notice, icon=":material/info:")
    if storage.access.count_users(db) == 0:
        _first_admin_form()
        return
    # A join link (QR code on the projector, ``?code=…``) opens the guest tab, code filled
    # in; so does the join address typed by hand (``…/teilnehmen``).
    path = urlparse(st.context.url or "").path.rstrip("/")
    joining = bool(st.query_params.get("code")) or path.endswith(f"/{JOIN_PATH}")
    sign_in_tab, guest_tab = st.tabs(
        [t("access.tab_sign_in"), t("access.tab_guest")],
        default=t("access.tab_guest") if joining else None,
    )
    with sign_in_tab:
        _login_form()
        if _sso_signed_in():
            st.divider()
            if st.button(t("access.sso_sign_out"), key="auth_sso_out"):
                st.logout()
        elif sso_configured():
            st.divider()
            if st.button(t("access.sso_button"), key="auth_sso", icon=":material/badge:"):
                st.login()
    with guest_tab:
        _guest_form()
    st.caption(t("common.privacy_footer"))


def _first_admin_form() -> None:
    if (user := first_start.first_admin_form()) is not None:  # pages/session/first_start.py
        # Without case work (no coach role) on to "Benutzer", where the welcome text sends
        # the first administrator next; a coach-administrator starts on the family list.
        target = "" if user.may(Permission.CASES) else f"/{first_start.NEXT_PAGE}"
        _signed_in(user, target=target)


def _login_form() -> None:
    db = database.db()
    with st.form("auth_login"):
        username = st.text_input(t("access.username"), key="auth_username")
        password = st.text_input(t("access.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("access.sign_in"), type="primary")
    if not submitted:
        return
    try:
        # Wrong attempts are throttled per device and logged by storage.throttle, under
        # the account's name or "unbekannt" (never what was typed).
        user = storage.access.verify_login(db, username, password, client=client.client_id())
    except InputError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    _signed_in(user)


def _guest_form() -> None:
    db = database.db()
    st.caption(t("access.guest_intro"))
    with st.form("auth_guest"):
        code = st.text_input(
            t("access.join_code"),
            value=str(st.query_params.get("code") or "").strip().upper()[:12],
            key="auth_join_code",
            max_chars=12,
        )
        label = st.text_input(
            t("access.guest_label"),
            key="auth_guest_label",
            max_chars=40,
            help=t("access.guest_label_help"),
        )
        submitted = st.form_submit_button(t("access.guest_join"), type="primary")
    if not submitted:
        return
    # The label is shown on the projector: a person's name has no place there.
    findings = pii.find_personal_data(label)
    if findings:
        st.error(
            t("access.guest_label_personal", kind=findings[0].label, excerpt=findings[0].excerpt),
            icon=":material/error:",
        )
        return
    nonce = browser_session.browser_nonce()
    if nonce is None:
        return
    if (browser := browser_session.browser_id()) is None:  # one device, one participant
        st.error(t("participation.no_browser_cookie"), icon=":material/error:")
        return
    try:
        ticket, guest = storage.tickets.join_workshop(
            db, code, label, nonce, client=client.client_id(), browser=browser
        )
    except ZugangsatlasError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    _hand_over(guest, ticket)


def _hand_over(user: User, ticket: str, target: str = "") -> None:
    _audit(storage.audit.ANMELDUNG, user.username, t("access.audit_login"))
    browser_session.hand_over(ticket, _home(user) if _home is not None else "", target=target)


def _signed_in(user: User, *, target: str = "") -> None:
    """Hand the checked sign-in of an account to the browser's cookie (see the module text)."""
    assert user.id is not None
    nonce = browser_session.browser_nonce()
    if nonce is None:
        return
    _hand_over(user, storage.tickets.issue(database.db(), nonce, user_id=user.id), target)


# ---------------------------------------------------------------- single sign-on


def sso_configured() -> bool:
    """Whether an identity provider is set up (``[auth]`` in ``.streamlit/secrets.toml``)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except (FileNotFoundError, KeyError, ValueError):
        return False


def _sso_signed_in() -> bool:
    """Whether Streamlit's OIDC login reports a signed-in person for this browser."""
    if not sso_configured():
        return False
    try:
        return bool(st.user.get("is_logged_in", False))
    except (AttributeError, KeyError):
        return False


def _sso_sign_in() -> None:
    """Match the OIDC identity to a local account and open a session, or explain why not."""
    db = database.db()
    claims = st.user.to_dict()
    hours = storage.access.get_settings(db).session_hours
    if not browser_session.sso_recent(claims, hours):
        # Streamlit's OIDC cookie outlives our sessions; after the longest session it
        # signs nobody in any more: the person signs in at the identity provider again.
        st.session_state[_NOTICE_KEY] = t("sessions.sso_too_old")
        st.logout()
        return
    identities = [str(claims[c]) for c in _SSO_CLAIMS if claims.get(c)]
    try:
        user = storage.access.sso_login(db, identities, display_name=str(claims.get("name", "")))
    except InputError as exc:
        st.session_state[_NOTICE_KEY] = str(exc)
        return
    _signed_in(user)
