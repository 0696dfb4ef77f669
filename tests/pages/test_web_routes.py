"""The HTTP layer next to the app (pages/web/web_routes.py and its middleware in
session_guard.py), through Starlette's test client: the session cookie and its attributes,
the login-CSRF checks of the sign-in route, sign-out, no files without a session,
anti-framing headers, health and readiness."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from journeys import storage
from journeys.models.permissions import UserRole
from pages.web import browser_cookie, download_guard, session_guard, web_routes

NONCE = "nonce-of-this-browser"
BACKUP_BYTES = b"SQLite format 3\x00 backup with password hashes"


async def _streamlit_stand_in(request):  # what Streamlit would answer behind the guard
    return PlainTextResponse(f"streamlit: {request.url.path}")


@pytest.fixture
def client(db: Database) -> TestClient:
    inner = [
        Route(path, _streamlit_stand_in, methods=["GET", "PUT", "POST"])
        for path in ("/", "/reise", "/media/{name}", "/_stcore/upload_file/{rest:path}")
    ] + [Route("/_stcore/metrics", _streamlit_stand_in)]
    app = Starlette(
        routes=web_routes.routes() + inner,
        middleware=[Middleware(session_guard.SessionGuard)],
    )
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def _coach_ticket(db: Database, nonce: str = NONCE) -> str:
    user = storage.access.create_user(db, "k.berger", None, [UserRole.COACH])
    return storage.tickets.issue(db, nonce, user_id=user.id)


def _signed_in(client: TestClient, db: Database, roles=(UserRole.COACH,)) -> str:
    user = storage.access.create_user(db, f"u{len(storage.access.list_users(db))}", None, roles)
    token = storage.access.open_session(db, user_id=user.id)
    client.cookies.set(web_routes.SESSION_COOKIE, token)
    return token


# ---------------------------------------------------------------- sign-in route


def test_a_ticket_sets_an_httponly_strict_cookie_and_returns_to_the_wanted_page(
    client: TestClient, db: Database
) -> None:
    ticket = _coach_ticket(db)
    client.cookies.set(web_routes.NONCE_COOKIE, NONCE)
    response = client.get(
        web_routes.TICKET_PATH,
        params={"ticket": ticket, "ziel": "/reise?familie=BG-001"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/reise?familie=BG-001"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{web_routes.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1: the browser would drop it
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert storage.access.user_for_session(db, token) is not None


def test_behind_a_tls_proxy_the_cookie_is_secure(client: TestClient, db: Database) -> None:
    ticket = _coach_ticket(db)
    client.cookies.set(web_routes.NONCE_COOKIE, NONCE)
    response = client.get(
        web_routes.TICKET_PATH,
        params={"ticket": ticket, "ziel": "/"},
        headers={"X-Forwarded-Proto": "https", "Sec-Fetch-Site": "same-origin"},
    )
    assert "Secure" in response.headers["set-cookie"]


def test_a_ticket_from_another_site_or_browser_signs_nobody_in(
    client: TestClient, db: Database
) -> None:
    """Login CSRF: a link on another site, or a ticket of another browser, sets no cookie."""
    ticket = _coach_ticket(db)
    client.cookies.set(web_routes.NONCE_COOKIE, NONCE)
    cross = client.get(
        web_routes.TICKET_PATH,
        params={"ticket": ticket, "ziel": "/"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert cross.status_code == 303 and "set-cookie" not in cross.headers
    typed = client.get(
        web_routes.TICKET_PATH,
        params={"ticket": ticket, "ziel": "/"},
        headers={"Sec-Fetch-Site": "none"},  # pasted into the address bar, opened from mail
    )
    assert "set-cookie" not in typed.headers
    other = _coach_ticket_for_other(db)
    foreign = client.get(web_routes.TICKET_PATH, params={"ticket": other, "ziel": "/"})
    assert "set-cookie" not in foreign.headers


def _coach_ticket_for_other(db: Database) -> str:
    user = storage.access.create_user(db, "a.angreifer", None, [UserRole.COACH])
    return storage.tickets.issue(db, "nonce-of-the-attackers-browser", user_id=user.id)


def test_a_ticket_works_once(client: TestClient, db: Database) -> None:
    ticket = _coach_ticket(db)
    client.cookies.set(web_routes.NONCE_COOKIE, NONCE)
    first = client.get(web_routes.TICKET_PATH, params={"ticket": ticket})
    second = client.get(web_routes.TICKET_PATH, params={"ticket": ticket})
    assert "set-cookie" in first.headers and "set-cookie" not in second.headers


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_after_sign_in_only_addresses_of_this_app_are_opened(target: str) -> None:
    assert web_routes.safe_target(target) == "/"


def test_deep_links_survive_the_sign_in() -> None:
    assert web_routes.safe_target("/reise?familie=BG-7") == "/reise?familie=BG-7"


# ---------------------------------------------------------------- sign-out


def test_sign_out_ends_the_session_and_clears_the_cookie(client: TestClient, db: Database) -> None:
    token = _signed_in(client, db)
    response = client.get(web_routes.SIGN_OUT_PATH, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/?{web_routes.SIGNED_OUT_PARAM}=1"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{web_routes.SESSION_COOKIE}=;") and "Max-Age=0" in cookie
    assert storage.access.user_for_session(db, token) is None


# ---------------------------------------------------------------- files


def test_downloads_and_uploads_need_a_session_cookie(client: TestClient, db: Database) -> None:
    assert client.get("/media/abc123.json").status_code == 403
    assert client.put("/_stcore/upload_file/s/f", content=b"x").status_code == 403
    client.cookies.set(web_routes.SESSION_COOKIE, "ausgedacht")
    assert client.get("/media/abc123.json").status_code == 403
    _signed_in(client, db)
    assert client.get("/media/abc123.json").text == "streamlit: /media/abc123.json"
    assert client.put("/_stcore/upload_file/s/f", content=b"x").status_code == 200


def test_a_report_reader_may_not_upload(client: TestClient, db: Database) -> None:
    _signed_in(client, db, roles=(UserRole.GREMIUM,))
    assert client.put("/_stcore/upload_file/s/f", content=b"x").status_code == 403


def test_a_sensitive_download_goes_only_to_the_session_that_made_it(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = storage.access.create_user(db, "leitung", None, [UserRole.ADMIN])
    owner_token = storage.access.open_session(db, user_id=owner.id)
    download_guard.bind(BACKUP_BYTES, owner_token, "backup")
    monkeypatch.setattr(download_guard, "media_content", lambda file_id: BACKUP_BYTES)
    _signed_in(client, db)  # another signed-in person who learnt the link
    assert client.get("/media/backup.sqlite").status_code == 403
    client.cookies.set(web_routes.SESSION_COOKIE, owner_token)
    assert client.get("/media/backup.sqlite").status_code == 200
    log = storage.audit.query(db)
    served = log[log["actor"] == "leitung"]
    assert served["detail"].str.contains("Download ausgeliefert: backup").any()


# ---------------------------------------------------------------- headers, health


def test_every_answer_forbids_framing_by_other_sites(client: TestClient) -> None:
    for path in ("/", "/reise", "/media/x.json", web_routes.HEALTH_PATH):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == "frame-ancestors 'self'"
        assert headers["x-frame-options"] == "SAMEORIGIN"


def test_metrics_are_not_public(client: TestClient, db: Database) -> None:
    assert client.get("/_stcore/metrics").status_code == 404
    _signed_in(client, db, roles=(UserRole.ADMIN,))
    assert client.get("/_stcore/metrics").status_code == 404


def test_a_page_load_hands_out_the_pre_sign_in_nonce(client: TestClient) -> None:
    cookie = client.get("/reise").headers["set-cookie"]
    assert cookie.startswith(f"{web_routes.NONCE_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_health_and_readiness(client: TestClient, db: Database) -> None:
    assert client.get(web_routes.HEALTH_PATH).text == "ok"
    ready = client.get(web_routes.READY_PATH)
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "schema_version": storage.schema_version(db),
        "fehlende_migrationen": 0,
    }


def test_not_ready_when_the_database_cannot_be_opened(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "eine-datei"
    blocker.write_text("kein Ordner")
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(blocker / "zugangsatlas.db"))
    response = client.get(web_routes.READY_PATH)
    assert response.status_code == 503 and response.json()["ready"] is False
    assert client.get(web_routes.HEALTH_PATH).status_code == 200


# ---------------------------------------------------------------- the browser's own cookie


def _browser_cookie(response) -> str | None:
    found = [
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith(f"{browser_cookie.BROWSER_COOKIE}=")
    ]
    return found[0] if found else None


def test_a_page_load_gives_the_browser_a_lasting_httponly_strict_cookie_once(
    client: TestClient,
) -> None:
    """One device, one workshop participant: the cookie it is recognised by on rejoining."""
    cookie = _browser_cookie(client.get("/reise"))
    assert cookie is not None
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 40  # random, not derived from anything about the person
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert f"Max-Age={180 * 24 * 3600}" in cookie and "Secure" not in cookie
    assert _browser_cookie(client.get("/")) is None  # kept: sent back, not replaced
    assert client.cookies.get(browser_cookie.BROWSER_COOKIE) == value
    secure = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    behind_tls = secure.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in (_browser_cookie(behind_tls) or "")


def test_a_link_from_another_site_does_not_replace_the_browser_cookie(
    client: TestClient,
) -> None:
    """A Strict cookie is not sent with a navigation from another site: no new one then,
    or the phone would lose its place in the workshop by following a link in a mail."""
    assert _browser_cookie(client.get("/", headers={"Sec-Fetch-Site": "cross-site"})) is None
    assert _browser_cookie(client.get("/", headers={"Sec-Fetch-Site": "none"})) is not None
    fresh = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    assert _browser_cookie(fresh.get(web_routes.SIGN_OUT_PATH)) is None  # the app's own routes
    assert _browser_cookie(fresh.get("/_stcore/health")) is None
