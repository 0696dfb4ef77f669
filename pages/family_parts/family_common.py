"""What the parts of the Familien page share: its constants, labels, Markdown escaping,
widget memory across pages, and the hand-over to the journey page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import streamlit as st

from journeys.i18n import t
from journeys.models import (
    AgeBand,
    FamilyStatus,
    HouseholdType,
    Role,
)
from pages.shared import widgets

JOURNEY_PAGE = "pages/journey.py"
JOURNEY_URL_PATH = "reise"
TAB_KEY = "fam_tab"
PICK_KEY = "fam_pick"
STATUS_ALL = "alle"
MEMBER_COLUMNS = ("id", "role", "age_band", "languages", "needs_interpreter")
TABLE_MAX_ROWS = 15
ROW_HEIGHT = 35

# Material icons ship with Streamlit, so they show on machines without an emoji font.
ICON_ADD = ":material/add:"
ICON_ARCHIVE = ":material/archive:"
ICON_DICE = ":material/casino:"
ICON_DONE = ":material/check_circle:"
ICON_EDIT = ":material/edit:"
ICON_INFO = ":material/info:"
ICON_JOURNEY = ":material/route:"
ICON_LOCK = ":material/lock:"
ICON_NO_MATCH = ":material/search_off:"
ICON_REMOVE = ":material/person_remove:"
ICON_RESTORE = ":material/unarchive:"
ICON_SEARCH = ":material/search:"

ROLE_LABELS = {role.value: role.label for role in Role}
AGE_LABELS = {band.value: band.label for band in AgeBand}
HOUSEHOLD_LABELS = {kind.value: kind.label for kind in HouseholdType}
STATUS_LABELS = {status.value: status.label for status in FamilyStatus}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


# ---------------------------------------------------------------- small helpers


def md(text: str) -> str:
    """``text`` escaped for Streamlit Markdown: user text never becomes formatting or a link."""
    return widgets.no_links(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def restore(key: str, allowed: Iterable[Any] | None = None) -> None:
    """Give a widget back the value it had before the coach visited another page.

    Streamlit forgets the state of widgets that were not drawn in a run; the copy under
    ``_mem_<key>`` survives. Values no longer offered (an archived family) are dropped.
    """
    memory = f"_mem_{key}"
    if key in st.session_state or memory not in st.session_state:
        return
    value = st.session_state[memory]
    if allowed is not None:
        options = list(allowed)
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            return
    st.session_state[key] = value


def remember(key: str) -> None:
    st.session_state[f"_mem_{key}"] = st.session_state.get(key)


def goto_tab(label: str) -> None:
    st.session_state[TAB_KEY] = label


def open_journey(code: str) -> None:
    """Hand the family over to the journey page (session state and query parameter)."""
    st.session_state["family_code"] = code
    st.switch_page(JOURNEY_PAGE, query_params={"familie": code})


def journey_url(code: str) -> str:
    """The address of a family's journey, respecting a configured ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/{JOURNEY_URL_PATH}?familie={quote(code)}"


def common_languages(extra: Iterable[str] = ()) -> list[str]:
    """Languages offered in the member table: common ones in Germany plus those in use."""
    listed = [lang.strip() for lang in t("families.common_languages").split(";")]
    return list(dict.fromkeys([*listed, *extra]))
