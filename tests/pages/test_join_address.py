"""Everyone in the room can join: the address setting, the join box and the QR code.

Einstellungen → Adresse für Teilnehmende (admin), the facilitator's join box, the
projector's join column, and the guest sign-in that a scanned join link opens with the
code filled in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.i18n import t
from journeys.models.permissions import UserRole
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import Workshop
from tests.support.apptest import open_signed_in, run

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = str(ROOT / "pages" / "settings.py")
FACILITATOR = str(ROOT / "pages" / "workshop.py")
PRESENTER = str(ROOT / "pages" / "workshop_presenter.py")
APP = str(ROOT / "app.py")
ENV = "ZUGANGSATLAS_PUBLIC_URL"
TIMEOUT = 60


@pytest.fixture(autouse=True)
def no_address_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture
def workshop(db: Database) -> Workshop:
    return wsd.create_archetype_workshop(db, load_archetypes()[0], title="Perspektivwechsel Kita")


def open_as(db: Database, path: str, role: UserRole, **params: str) -> AppTest:
    return open_signed_in(path, role, timeout=TIMEOUT, db=db, **params)


def address_tab(db: Database) -> AppTest:
    """The Einstellungen as an admin opens them, with the address tab clicked."""
    at = open_as(db, SETTINGS, UserRole.ADMIN)
    at.session_state["set_tab"] = t("room.tab")  # only the open tab is drawn
    return run(at)


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown if "<svg" not in m.value]
    parts += [c.value for c in at.caption]
    parts += [x.value for x in [*at.error, *at.warning, *at.info]]
    parts += [c.value for c in at.code]
    return "\n".join(parts).replace("\\", "")


def qr_svgs(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "<svg" in m.value]


def save_address(at: AppTest, typed: str) -> AppTest:
    at.text_input(key="join_address_input").input(typed)
    next(b for b in at.button if b.label == t("room.save")).click()
    return run(at)


# ---------------------------------------------------------------- the admin setting


def test_an_admin_saves_the_address_and_a_typo_is_refused_naming_the_field(
    db: Database,
) -> None:
    at = address_tab(db)
    assert t("room.source_derived") in shown(at)
    save_address(at, "ftp://zugangsatlas.lan")
    assert any(e.value.startswith("Adresse für Teilnehmende:") for e in at.error)
    assert storage.join_address.stored(db) == ""
    save_address(at, "Zugangsatlas.Jobcenter.LAN")
    assert not at.error
    assert storage.join_address.stored(db) == "https://zugangsatlas.jobcenter.lan"
    assert "Es gilt: `https://zugangsatlas.jobcenter.lan`" in shown(at)
    assert t("room.source_setting") in shown(at)


def test_the_environment_wins_and_the_page_says_so(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage.join_address.save(db, "https://gespeichert.lan")
    monkeypatch.setenv(ENV, "https://zugangsatlas.example.de")
    at = address_tab(db)
    text = shown(at)
    assert "Es gilt: `https://zugangsatlas.example.de`" in text
    assert "Umgebungsvariable `ZUGANGSATLAS_PUBLIC_URL`" in text
    assert "überdeckt: `https://gespeichert.lan`" in text


def test_a_broken_environment_value_is_named_on_the_page(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "zugangs atlas")
    at = address_tab(db)
    assert any(ENV in e.value and "Leerzeichen" in e.value for e in at.error)


# ---------------------------------------------------------------- facilitator and projector


def test_the_facilitator_sees_the_join_address_code_and_qr(
    db: Database, workshop: Workshop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "https://zugangsatlas.jobcenter.lan")
    at = open_as(db, FACILITATOR, UserRole.COACH, workshop=str(workshop.id))
    assert "https://zugangsatlas.jobcenter.lan/teilnehmen" in shown(at)
    assert workshop.join_code in shown(at)
    svgs = qr_svgs(at)
    assert len(svgs) == 1 and f"mit dem Code {workshop.join_code}" in svgs[0]
    link = f"https://zugangsatlas.jobcenter.lan/teilnehmen?code={workshop.join_code}"
    assert link in svgs[0]
    assert not at.warning  # the address reaches the phones: no hint


def test_without_a_setting_a_local_address_gets_a_hint_for_the_admin(
    db: Database, workshop: Workshop
) -> None:
    at = open_as(db, FACILITATOR, UserRole.COACH, workshop=str(workshop.id))
    assert any("funktioniert nur auf diesem Rechner" in x.value for x in at.warning)
    assert any("Einstellungen → Adresse für Teilnehmende" in x.value for x in at.warning)


def test_the_projector_shows_address_code_and_a_qr_that_can_be_hidden(
    db: Database, workshop: Workshop
) -> None:
    storage.join_address.save(db, "https://zugangsatlas.jobcenter.lan")
    at = open_as(db, PRESENTER, UserRole.COACH, workshop=str(workshop.id))
    text = shown(at)
    # The address as the room reads it; a long one may wrap only after / . and :.
    assert "https://zugangsatlas.jobcenter.lan/teilnehmen" in text.replace("<wbr>", "")
    assert "<code>https:<wbr>/<wbr>/<wbr>zugangsatlas.<wbr>jobcenter.<wbr>lan/<wbr>" in text
    assert workshop.join_code in text
    assert not at.warning  # no admin hints on the projector
    (svg,) = qr_svgs(at)
    assert 'role="img"' in svg and "aria-label=" in svg
    assert any("42vh" in h.proto.body for h in at.html)  # drawn large
    at.button(key="wp_qr_toggle").click()
    run(at)
    assert not qr_svgs(at)
    assert workshop.join_code in shown(at)  # address and code stay


# ---------------------------------------------------------------- the scanned join link


def test_the_join_link_opens_the_guest_sign_in_with_the_code_filled_in(
    db: Database, workshop: Workshop
) -> None:
    storage.access.create_user(db, "admin", "Frühling im Münsterland", [UserRole.ADMIN])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["code"] = workshop.join_code.lower()
    run(at)
    assert at.text_input(key="auth_join_code").value == workshop.join_code
    at.text_input(key="auth_guest_label").input("Tisch 2")
    next(b for b in at.button if b.label == t("access.guest_join")).click()
    run(at)
    assert [p.label for p in storage.workshops.list_participants(db, workshop.id or 0)] == [
        "Tisch 2"
    ]
