"""How the room joins a workshop: the address, the code and a QR code of the join link.

Shown on the projector (pages/workshop_presenter.py) and on the facilitator's page
(pages/workshop.py). The address comes from ``journeys.workshops.join_link.resolve``: the
environment variable ``ZUGANGSATLAS_PUBLIC_URL``, else the setting on Einstellungen,
else the address of this browser. The QR code opens the guest sign-in with the code
filled in (``…/teilnehmen?code=K7Q3XM``).

The QR code is an SVG made by segno from the checked address and the code, drawn as
raw HTML by ``st.markdown`` (``st.html`` strips SVG); its only text (title and
``aria-label``) is escaped by ``join_link``.
The style sheet below is fixed text from constants, never user text. On the projector the
QR code is drawn at 42 % of the window height (302 px at 1280×720, 454 px at 1920×1080:
about 8 px per module for a typical join link, readable by a phone from the back of a
room), black on white (21:1).
"""

from __future__ import annotations

import html
import os

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.workshops import join_link
from journeys.workshops.join_link import PublicAddress, Source
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

PROJECTOR_QR_VH = 42  # share of the window height the projector's QR code takes
DESK_QR_PX = 240  # the facilitator's own screen: big enough to scan from a table nearby
HIDDEN = "join_qr_hidden"  # the presenter hid the QR code (session only)


def address() -> PublicAddress:
    """The address in force for this request (environment, setting, or derived)."""
    return join_link.resolve(
        os.environ.get(join_link.ENV_VAR),
        storage.join_address.stored(ui.db()),
        st.context.url,
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _qr_svg(link: str, code: str) -> str:
    return join_link.join_qr(link, code).svg


def qr_css(key: str, *, projector: bool) -> str:
    """Size of the QR code in the container ``key``: fixed rules, no user text."""
    size = f"min({PROJECTOR_QR_VH}vh, 100%)" if projector else f"min({DESK_QR_PX}px, 100%)"
    return (
        f"<style>.st-key-{key} svg {{ width: {size}; height: auto; display: block;"
        " background: #ffffff; }</style>"
    )


def show_qr(code: str, place: PublicAddress, *, key: str, projector: bool) -> None:
    """The QR code of the join link with the code, in a container with the key ``key``."""
    st.html(qr_css(key, projector=projector))
    with st.container(key=key):
        # A <div> block: Markdown passes it through as it is (no links made inside).
        # st.html would strip the SVG; its only text is escaped by journeys.workshops.join_link.
        svg = _qr_svg(place.join_link(code), code)
        st.markdown(f'<div class="zugangsatlas-qr-box">{svg}</div>', unsafe_allow_html=True)


def show_hint(place: PublicAddress) -> None:
    """For the facilitator: why the address may not work on the phones, and who fixes it."""
    if place.environment_error:
        st.error(place.environment_error, icon=":material/error:")
    if place.source is not Source.DERIVED:
        return
    if place.is_local:
        st.warning(t("room.derived_local_hint"), icon=":material/wifi_off:")
    else:
        st.caption(t("room.derived_hint"))


def _toggle_qr() -> None:
    st.session_state[HIDDEN] = not st.session_state.get(HIDDEN, False)


def _join_line(url: str) -> str:
    """The join sentence as HTML, the address in it breakable only after ``/``, ``.``, ``:``.

    On the projector a long address must wrap where a reader expects it (``…jobcenter.`` /
    ``lan/teilnehmen``), never inside a word. Every character is escaped; ``<wbr>`` marks
    the places where a line may break. Shown as code: as typed, never a link.
    """
    before, after = t("room.join_with", url="\0").split("\0")
    address = "".join(html.escape(ch) + ("<wbr>" if ch in "/.:" else "") for ch in url)
    return f"{html.escape(before)}<code>{address}</code>{html.escape(after)}"


def projector_join(code: str) -> None:
    """The projector's join column: address, code in huge type, QR code (can be hidden)."""
    place = address()
    with st.container(key="wp_url"):
        st.markdown(_join_line(place.join_link()), unsafe_allow_html=True)
    with st.container(key="wp_code"):
        st.markdown(f"**{w.md(code)}**")
    hidden = bool(st.session_state.get(HIDDEN, False))
    if not hidden:
        show_qr(code, place, key="wp_qr", projector=True)
    st.button(
        t("room.qr_show") if hidden else t("room.qr_hide"),
        key="wp_qr_toggle",
        icon=":material/qr_code_2:",
        on_click=guard.guarded(_toggle_qr),
    )
