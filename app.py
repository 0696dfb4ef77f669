"""Zugangsatlas: the entry point. Page setup, session defaults and the navigation.

Every page is listed once in ``PAGES`` with the permission it needs
(``journeys/models/permissions.py``); the navigation is built from that list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

import streamlit as st

from journeys.i18n import t
from journeys.models.permissions import Permission, User
from journeys.paths import DATA_DIR
from pages.session import auth, browser_session
from pages.shared import a11y_style
from pages.web import page_menu

FAVICON = DATA_DIR / "favicon.svg"

# The page icon ships with the app and reaches the browser inline (a data: URI): a
# ":material/…" icon would be fetched from Google's font host (tests/e2e/test_no_third_party).
st.set_page_config(page_title=t("common.app_title"), page_icon=str(FAVICON), layout="wide")
a11y_style.apply()  # contrast and visible focus on every page, the sign-in screen too


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: where it lives, how it is shown, and what it needs."""

    path: str
    title_key: str
    icon: str
    url_path: str
    permission: Permission
    section_key: str = "nav.section_work"
    default: bool = False

    def page(self) -> st.Page:
        """The page at its own address (``/`` is the hidden start page: ``navigation``)."""
        return st.Page(self.path, title=t(self.title_key), icon=self.icon, url_path=self.url_path)


PAGES: list[PageSpec] = [
    PageSpec(
        "pages/families.py",
        "nav.families",
        ":material/family_restroom:",
        "familien",
        Permission.CASES,
        default=True,
    ),
    PageSpec("pages/journey.py", "nav.journey", ":material/route:", "reise", Permission.CASES),
    PageSpec(
        "pages/perspective.py",
        "nav.perspective",
        ":material/visibility:",
        "perspektive",
        Permission.CASES,
    ),
    PageSpec(
        "pages/soll.py",
        "nav.soll",
        ":material/compare_arrows:",
        "ist-soll",
        Permission.CASES,
    ),
    PageSpec(
        "pages/outreach.py",
        "outreach.nav",
        ":material/directions_walk:",
        "aufsuchende-hilfe",
        Permission.CASES,
    ),
    PageSpec(
        "pages/analysis.py",
        "nav.analysis",
        ":material/bar_chart:",
        "auswertung",
        Permission.ANALYSIS,
        section_key="nav.section_evaluation",
    ),
    PageSpec(
        "pages/report.py",
        "nav.report",
        ":material/description:",
        "bericht",
        Permission.REPORT,
        section_key="nav.section_evaluation",
    ),
    PageSpec(
        "pages/data.py",
        "nav.data",
        ":material/swap_vert:",
        "daten",
        Permission.CASES_EXPORT,
        section_key="nav.section_evaluation",
    ),
    PageSpec(
        "pages/workshop.py",
        "nav.workshop",
        ":material/groups:",
        "workshop",
        Permission.WORKSHOP_RUN,
        section_key="nav.section_workshop",
    ),
    PageSpec(
        "pages/workshop_presenter.py",
        "nav.workshop_presenter",
        ":material/present_to_all:",
        "praesentation",
        Permission.WORKSHOP_RUN,
        section_key="nav.section_workshop",
    ),
    PageSpec(
        "pages/workshop_join.py",
        "nav.workshop_join",
        ":material/how_to_reg:",
        "teilnehmen",
        Permission.WORKSHOP_JOIN,
        section_key="nav.section_workshop",
    ),
    PageSpec(
        "pages/settings.py",
        "nav.settings",
        ":material/settings:",
        "einstellungen",
        Permission.SETTINGS,
        section_key="nav.section_admin",
    ),
    PageSpec(
        "pages/users.py",
        "nav.users",
        ":material/manage_accounts:",
        "benutzer",
        Permission.USERS,
        section_key="nav.section_admin",
    ),
    PageSpec(
        "pages/backup.py",
        "nav.backup",
        ":material/backup:",
        "sicherung",
        Permission.BACKUP,
        section_key="nav.section_admin",
    ),
    PageSpec(
        "pages/privacy_admin.py",
        "nav.privacy",
        ":material/shield_person:",
        "datenschutz",
        Permission.ERASURE,
        section_key="nav.section_admin",
    ),
    PageSpec(
        "pages/audit_log.py",
        "nav.audit",
        ":material/policy:",
        "protokoll",
        Permission.AUDIT,
        section_key="nav.section_admin",
    ),
]


def navigation(specs: list[PageSpec]) -> dict[str, list[st.Page]]:
    """The pages grouped by section, in the order of ``PAGES``, behind a hidden start page.

    Streamlit routes them (each at its address) but does not draw them: the sidebar shows
    ``pages/web/page_menu.py``'s menu of the same pages, a proper structure for a screen reader.

    Streamlit answers its default page only at ``/``: its own address (a coach's
    ``/familien``, a guest's ``/teilnehmen`` opened again from the QR code) showed the
    English "Page not found" dialog. So the default is a hidden start page that opens the
    user's first page under its own address, with the query kept (``/?familie=…``); every
    listed page then answers at its address, on a reload and in a link.
    """
    first = specs[0].path

    def start() -> None:
        st.switch_page(first, query_params=st.query_params.to_dict())

    start_page = st.Page(
        start, title=t(specs[0].title_key), url_path="start", default=True, visibility="hidden"
    )
    sections: dict[str, list[st.Page]] = {}
    for spec in specs:
        sections.setdefault(t(spec.section_key), []).append(spec.page())
    sections[next(iter(sections))].insert(0, start_page)
    return sections


# Nothing but the sign-in screen until someone is signed in (pages/session/auth.py).
def home_page(person: User) -> str:
    """The page a user's navigation opens at ``/``: the first one that user may open."""
    return next((spec.url_path for spec in PAGES if person.may(spec.permission)), "")


# The page menu, above what the sign-in puts in the sidebar. Without a session there is no
# sidebar at all: on a phone an empty sidebar left open would cover the sign-in form.
menu_slot = st.sidebar.container() if browser_session.browser_token() else None
user = auth.gate(
    [spec.url_path for spec in sorted(PAGES, key=lambda spec: not spec.default)], home=home_page
)
# Only the pages this user may open are offered (a convenience: every page checks again on
# the server, pages/session/guard.py). Without the default page, the first one allowed opens.
allowed_pages = [spec for spec in PAGES if user.may(spec.permission)]
if not allowed_pages:
    st.warning(t("guard.no_pages"), icon=":material/block:")
    st.stop()


def refuse_requested_page(specs: list[PageSpec]) -> None:
    """Say so in German when the address asked for a page this user may not open.

    Such a page is not in the navigation, so Streamlit would open the start page without
    a word. Shown once per session: ``st.context.url`` stays the address the browser
    first opened.
    """
    requested = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    spec = next((s for s in specs if s.url_path == requested), None)
    if spec is None or user.may(spec.permission) or st.session_state.get("_refused_shown"):
        return
    st.session_state["_refused_shown"] = True
    roles = ", ".join(role.label for role in user.roles)
    st.session_state[REFUSAL] = f"**{t('guard.refused_title')}**: {t(spec.title_key)} · " + t(
        "guard.refused", roles=roles
    )


REFUSAL = "_refusal"  # said on the page that opens instead (not on the start page's switch)
refuse_requested_page(PAGES)
sections = navigation(allowed_pages)
page = st.navigation(sections, position="hidden")  # drawn by page_menu, not by Streamlit
page_menu.draw(sections, menu_slot or st.sidebar.container())
if page.url_path and (refusal := st.session_state.pop(REFUSAL, None)):
    st.error(refusal, icon=":material/block:")
st.sidebar.caption(t("common.privacy_footer"))
page.run()
