"""The address participants open, the join link and its QR code (journeys/workshops/join_link.py).

What a person would notice: the projector names an address their phone cannot open, the
QR code opens the wrong page or no code is filled in, the administrator's typo is stored
silently, or the environment setting of the server is ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno

from journeys import storage
from journeys.errors import InputError
from journeys.workshops import join_link
from journeys.workshops.join_link import Source

FIELD = "Adresse für Teilnehmende"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://zugangsatlas.jobcenter.lan", "https://zugangsatlas.jobcenter.lan"),
        ("  HTTPS://Zugangsatlas.Example.DE/  ", "https://zugangsatlas.example.de"),
        ("zugangsatlas.lan", "https://zugangsatlas.lan"),  # https:// assumed
        ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
        ("https://server.lan:8443/zugangsatlas/", "https://server.lan:8443/zugangsatlas"),
        ("https://server.lan/teilnehmen", "https://server.lan"),  # a pasted join link
        ("https://[fd00::20]:8443", "https://[fd00::20]:8443"),
        ("https://bürgeramt.example", "https://bürgeramt.example"),
    ],
)
def test_an_address_a_phone_can_open_is_kept_in_a_tidy_form(typed: str, stored: str) -> None:
    assert join_link.normalize(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Bitte eine Adresse eingeben"),
        ("https://zugangs atlas.lan", "Leerzeichen"),
        ("ftp://zugangsatlas.lan", "„ftp://“"),
        ("https://admin:geheim@zugangsatlas.lan", "ohne Benutzername und Passwort"),
        ("https://zugangsatlas.lan/?code=ABC", "ohne „?“ oder „#“"),
        ("https://zugangsatlas.lan#x", "ohne „?“ oder „#“"),
        ("https://zugangsatlas.lan:99999", "Portnummer"),
        ("https://", "Rechnername"),
        ("https://zugangs_atlas!.lan", "„zugangs_atlas!.lan“ ist kein gültiger Rechnername"),
        ("https://" + "a" * 200 + ".lan", "zu lang"),
        ('https://a.lan/"><script>', "Der Pfad"),
    ],
)
def test_a_bad_address_is_refused_in_german_naming_the_field(typed: str, says: str) -> None:
    with pytest.raises(InputError) as refused:
        join_link.normalize(typed)
    assert str(refused.value).startswith(FIELD + ":")
    assert says in str(refused.value)


def test_the_environment_wins_over_the_setting_and_both_over_the_browser() -> None:
    browser = "http://127.0.0.1:8501/praesentation"
    env = join_link.resolve("https://a.lan", "https://b.lan", browser)
    assert (env.url, env.source) == ("https://a.lan", Source.ENVIRONMENT)
    setting = join_link.resolve(None, "https://b.lan", browser)
    assert (setting.url, setting.source) == ("https://b.lan", Source.SETTING)
    derived = join_link.resolve("", "", browser)
    assert (derived.url, derived.source) == ("http://127.0.0.1:8501", Source.DERIVED)
    assert derived.is_local and not setting.is_local


def test_a_broken_environment_value_is_reported_and_the_setting_applies() -> None:
    place = join_link.resolve("ftp://a.lan", "https://b.lan", None)
    assert place.url == "https://b.lan"
    assert place.source is Source.SETTING
    assert place.environment_error is not None
    assert "ZUGANGSATLAS_PUBLIC_URL" in place.environment_error
    assert FIELD in place.environment_error


@pytest.mark.parametrize(
    ("browser", "derived"),
    [
        ("https://zugangsatlas.lan/workshop", "https://zugangsatlas.lan"),
        ("https://zugangsatlas.lan/", "https://zugangsatlas.lan"),
        ("https://server.lan/za/praesentation?workshop=3", "https://server.lan/za"),
        ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
        (None, "http://localhost:8501"),
    ],
)
def test_without_a_setting_the_address_of_this_browser_is_used(
    browser: str | None, derived: str
) -> None:
    assert join_link.derive(browser) == derived


def test_the_join_link_names_the_join_page_and_prefills_the_code() -> None:
    place = join_link.resolve("https://zugangsatlas.lan/", None, None)
    assert place.join_link() == "https://zugangsatlas.lan/teilnehmen"
    assert place.join_link("k7q3xm") == "https://zugangsatlas.lan/teilnehmen?code=K7Q3XM"


# ---------------------------------------------------------------- the QR code

LINK = "https://zugangsatlas.jobcenter.lan/teilnehmen?code=K7Q3XM"


def test_the_qr_code_encodes_the_join_link_with_the_code() -> None:
    qr = join_link.join_qr(LINK, "K7Q3XM")
    assert qr.payload == LINK
    expected = segno.make_qr(LINK, error="m")
    assert qr.qr.matrix == expected.matrix  # the same modules: the same link, no decoder needed
    # The SVG draws exactly these modules: segno's own drawing of the expected code.
    paths = re.findall(r' d="([^"]+)"', qr.svg)  # the white background, then the modules
    drawn = expected.svg_inline(border=join_link.QR_BORDER, omitsize=True)
    assert paths[-1] in drawn and len(paths[-1]) > 100


def test_the_qr_code_has_a_text_alternative_and_scales_to_its_box() -> None:
    qr = join_link.join_qr(LINK, "K7Q3XM")
    assert qr.svg.startswith('<svg role="img" aria-label="QR-Code zum Mitmachen mit dem Code ')
    assert "K7Q3XM" in qr.svg.split(">", 1)[0]
    assert f'viewBox="0 0 {qr.modules} {qr.modules}"' in qr.svg
    assert "width=" not in qr.svg.split(">", 1)[0]  # the page decides the drawn size
    assert "<title>QR-Code zum Mitmachen" in qr.svg
    assert 'fill="#fff"' in qr.svg or "#ffffff" in qr.svg.lower()  # white, not transparent


def test_the_qr_modules_are_large_enough_on_a_projector() -> None:
    """At 1280×720 the QR code takes 42 % of 720 px: every module at least 6 px wide."""
    long_link = "https://zugangsatlas.jobcenter-musterstadt.example:8443/teilnehmen?code=K7Q3XM"
    for link in (LINK, long_link):
        qr = join_link.join_qr(link, "K7Q3XM")
        assert qr.modules <= 49  # version 4 or smaller with its quiet zone
        assert 0.42 * 720 / qr.modules >= 6


def test_text_in_the_qr_alternative_is_escaped() -> None:
    qr = join_link.join_qr('https://a.lan/teilnehmen?code="><script>', '"><script>')
    assert "<script>" not in qr.svg


# ---------------------------------------------------------------- the stored setting


def test_the_setting_is_stored_checked_and_audited(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "t.db")
    assert storage.join_address.stored(db) == ""
    saved = storage.join_address.save(db, "Zugangsatlas.LAN/", actor="e2e-admin")
    assert saved == "https://zugangsatlas.lan"
    assert storage.join_address.stored(db) == saved
    with pytest.raises(InputError, match=FIELD):
        storage.join_address.save(db, "ftp://x.lan", actor="e2e-admin")
    assert storage.join_address.stored(db) == saved  # nothing lost by a typo
    storage.join_address.clear(db, actor="e2e-admin")
    assert storage.join_address.stored(db) == ""
    log = storage.audit.query(db, object_id="public_url")
    details = list(log["detail"])
    assert "Adresse für Teilnehmende: https://zugangsatlas.lan" in details
    assert "Adresse für Teilnehmende entfernt" in details
    db.conn.close()
