"""The page menu in the sidebar: one heading per section, one link per page (issue #13).

Streamlit's own page navigation (``st.navigation`` with sections) puts each section's
``<div>`` straight into its ``<ul>``, with the ``<li>`` links inside the ``<div>``: a list
whose children are no list items and list items outside a list (axe ``list`` and
``listitem``, WCAG 1.3.1), and its section titles open and close by mouse only. app.py
therefore hides that navigation (``position="hidden"``: it still routes every page at its
address) and draws this menu instead:

- each section under a German ``<h2>`` (a screen reader's heading list jumps to it; the
  page's own ``<h1>`` follows in the main area, so the heading order never skips a level);
- each page as ``st.page_link``, a real link: Tab reaches it, Enter opens it, and it
  keeps its address (a middle click opens it in a new tab). Streamlit marks the page that
  is open with a background and bold text.

Streamlit has no parameter for the last two things a screen reader needs, so ``SCRIPT``
(served in the page's ``<head>`` by ``pages/web/german_shell.py``) adds them whenever the
menu is drawn: the menu is a navigation landmark named "Seiten", and the link of the open
page carries ``aria-current="page"`` (compared by address). On a phone, where the sidebar
lies over the page, it also closes the sidebar once a page is chosen, as Streamlit's
navigation did (its "Seitenleiste einklappen" button). Checked in the browser by
``tests/e2e/test_page_menu_e2e.py`` and by axe-core in ``test_accessibility_e2e.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from journeys.i18n import t

MENU_KEY = "page_menu"  # the menu's container: class ``st-key-page_menu`` in the page
SECTION_CLASS = "za-menu-section"

STYLE = f"""<style>
.st-key-{MENU_KEY} h2.{SECTION_CLASS} {{
    font-size: 0.875rem;
    font-weight: 600;
    line-height: 1.5;
    margin: 0.75rem 0 0.125rem 0;
    padding: 0 0.5rem;
    color: #31333F;
}}
.st-key-{MENU_KEY} [data-testid="stElementContainer"]:first-child h2.{SECTION_CLASS} {{
    margin-top: 0;
}}
</style>"""

_SCRIPT = """(() => {
  const MENU = %(menu)s;
  const LABEL = %(label)s;
  const NARROW_PX = 767.98;  // Streamlit's breakpoint below which the sidebar overlays
  const COLLAPSE = '[data-testid="stSidebarCollapseButton"] button';
  const trimmed = (path) => path.replace(/\\/+$/, "");
  let queued = false;
  const mark = () => {
    queued = false;
    const menu = document.querySelector(MENU);
    if (!menu) return;
    if (menu.getAttribute("role") !== "navigation") menu.setAttribute("role", "navigation");
    if (menu.getAttribute("aria-label") !== LABEL) menu.setAttribute("aria-label", LABEL);
    const here = trimmed(location.pathname);
    for (const link of menu.querySelectorAll("a[href]")) {
      const open = trimmed(new URL(link.href, location.href).pathname) === here;
      if (open && link.getAttribute("aria-current") !== "page") {
        link.setAttribute("aria-current", "page");
      } else if (!open && link.hasAttribute("aria-current")) {
        link.removeAttribute("aria-current");
      }
    }
  };
  const later = () => {
    if (!queued) { queued = true; requestAnimationFrame(mark); }
  };
  new MutationObserver(later).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true,
  });
  window.addEventListener("popstate", later);
  // On a phone the sidebar lies over the page: close it once a page is chosen, as
  // Streamlit's own navigation did (same width limit, its "einklappen" button).
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target || !target.closest(MENU + " a[href]")) return;
    if (window.innerWidth > NARROW_PX) return;
    const collapse = document.querySelector(COLLAPSE);
    if (collapse) setTimeout(() => collapse.click(), 0);
  });
})();"""


def script(as_js: Callable[[object], str]) -> str:
    """The inline script that makes the drawn menu a named landmark with the open page;
    ``as_js`` writes a value as JavaScript that cannot end its ``<script>`` element
    (``german_shell._json_for_script``, which serves it)."""
    return _SCRIPT % {"menu": as_js(f".st-key-{MENU_KEY}"), "label": as_js(t("page_menu.label"))}


def draw(sections: dict[str, list[st.Page]], slot: DeltaGenerator) -> None:
    """The menu of ``sections`` (heading → pages, in order) in ``slot`` (a container at
    the top of the sidebar, made before the sign-in draws the signed-in user there).

    Hidden pages (the start page at ``/``) are left out. Nothing is drawn for a single
    page (as Streamlit's navigation did): there is nowhere else to go.
    """
    shown = {
        heading: visible
        for heading, pages in sections.items()
        if (visible := [page for page in pages if page.visibility != "hidden"])
    }
    if sum(len(pages) for pages in shown.values()) < 2:
        return
    slot.html(STYLE)
    with slot, st.container(key=MENU_KEY, gap=None):
        for heading, pages in shown.items():
            st.html(f'<h2 class="{SECTION_CLASS}">{escape(heading)}</h2>')
            for page in pages:
                st.page_link(page)
