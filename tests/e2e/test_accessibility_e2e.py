"""Accessible for every role (BITV 2.0 / EN 301 549, i.e. WCAG 2.1 AA; issue #13).

Every page of the navigation, as every role that may open it, and every tab on it, is
checked with axe-core in the real browser: no violation of impact "serious" or
"critical" may remain, and no heading may skip a level. The sign-in screen, a
workshop's facilitator page, the projector and a guest's participant page (in a running
workshop) are checked too. The counts by
impact, "moderate" and "minor" included, are printed with the figures at the end of
``make test``.

axe-core comes with ``axe-playwright-python`` (pinned in pyproject.toml, it bundles
axe-core's own ``axe.min.js``), so the check runs offline. What the app cannot change
in Streamlit's own frontend is excluded rule by rule and element by element in
``EXCLUDED``, each with its reason; the README's accessibility statement names the same.
The keyboard tests live in ``test_keyboard_e2e.py``.
"""

from __future__ import annotations

import ast
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_support import (
    E2E_PASSWORD,
    NAV,
    PAGE_TIMEOUT_MS,
    ROOT,
    e2e_username,
    exception_texts,
    login,
    settle,
    wait_for_sign_in,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect

from journeys.i18n import t
from journeys.models.permissions import Permission, UserRole, allowed

AXE = Axe()
# The WCAG 2.1 A/AA rules (what BITV 2.0 and EN 301 549 require) and axe's best practices
# (landmarks, heading order), which are counted but block only when serious or critical.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = ("critical", "serious")
# Rules that block at any impact: a heading that skips a level ("heading-order", moderate)
# breaks the outline a screen reader's heading list offers; the app has none left.
BLOCKING_RULES = ("heading-order",)
IMPACTS = ("critical", "serious", "moderate", "minor")
IMPACT_DE = {"critical": "kritisch", "serious": "ernst", "moderate": "mittel", "minor": "gering"}
RERUN_GRACE_MS = 300
FIGURES_ENV = "ZUGANGSATLAS_FIGURES_FILE"
# The team lead of the role model: Administration and Coach in one account
# (tests/e2e/conftest.py creates it beside one account per role).
TEAM_LEAD = "teamleitung"


@dataclass(frozen=True)
class Exclusion:
    """One axe rule, on the elements inside one selector, that the app cannot fix."""

    rule: str
    inside: str
    reason: str


# Only Streamlit's own frontend, never the app's content; the README lists each.
EXCLUDED = (
    # (Streamlit's page navigation broke its list with sections, axe "list"/"listitem":
    # the app draws its own menu instead, pages/web/page_menu.py, and is checked in full.)
    # st.toast (the "Gespeichert." note of ui.show_flash) is a role="alertdialog" without
    # a name; st.toast takes only a text and an icon, no label. Its text is read out.
    Exclusion("aria-dialog-name", '[data-testid="stToast"]', "Streamlit-Kurzmeldung"),
)

# axe's run, with each node of a violation marked when it lies inside an excluded
# selector, in the same turn as the run: a toast may be gone a moment later.
RUN_JS = """async ([options, excluded]) => {
    const results = await axe.run(document, options);
    for (const violation of results.violations) {
        for (const node of violation.nodes) {
            const target = node.target.length ? node.target[0] : null;
            const element = typeof target === 'string' ? document.querySelector(target) : null;
            // A toast may be gone by now: then its recorded HTML names its test id.
            node.excluded = excluded.some(
                ([rule, inside]) => rule === violation.id && (element
                    ? Boolean(element.closest(inside))
                    : node.html.includes(inside.slice(1, -1)))
            );
        }
    }
    return results;
}"""


def _page_specs() -> list[tuple[str, str, Permission]]:
    """(address, title, permission) of every ``PageSpec`` in app.py, read from its source."""
    found = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PageSpec"):
            continue
        args = list(node.args)
        keywords = {k.arg: k.value for k in node.keywords}
        title_key = args[1] if len(args) > 1 else keywords["title_key"]
        url_path = args[3] if len(args) > 3 else keywords["url_path"]
        permission = args[4] if len(args) > 4 else keywords["permission"]
        assert isinstance(url_path, ast.Constant) and isinstance(title_key, ast.Constant)
        assert isinstance(permission, ast.Attribute)
        title = t(str(title_key.value))
        found.append((str(url_path.value), title, Permission[permission.attr]))
    return found


PAGES = _page_specs()
ACCOUNT_ROLES: dict[str, list[UserRole]] = {
    "admin": [UserRole.ADMIN],
    TEAM_LEAD: [UserRole.ADMIN, UserRole.COACH],
    "coach": [UserRole.COACH],
    "analyst": [UserRole.ANALYST],
    "gremium": [UserRole.GREMIUM],
}


def pages_of(account: str) -> list[tuple[str, str]]:
    """(address, title) of the pages the account may open, in navigation order."""
    roles = ACCOUNT_ROLES[account]
    return [(path, title) for path, title, perm in PAGES if any(allowed([r], perm) for r in roles)]


@dataclass
class Tally:
    """What the checks found over the whole module, for the figures and the failure."""

    views: int = 0
    pages: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    by_impact: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    excluded: Counter[str] = field(default_factory=Counter)
    tabs_seen: set[tuple[str, str]] = field(default_factory=set)


def record_figure(line: str) -> None:
    """Print a figure line and keep it for the summary at the end of the run
    (tests/conftest.py prints the file that ``ZUGANGSATLAS_FIGURES_FILE`` names)."""
    print(line)
    path = os.environ.get(FIGURES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    found = Tally()
    yield found
    if not found.views:
        return
    counts = ", ".join(f"{IMPACT_DE[i]} {found.by_impact[i]}" for i in IMPACTS)
    record_figure(
        f"Barrierefreiheit (axe-core {AXE_VERSION}, WCAG 2.1 AA): {found.views} Ansichten "
        f"von {len(found.pages)} Seiten für {len(found.roles)} Rollen und Zugänge geprüft; "
        f"Verstöße nach Schwere: {counts}"
    )
    if found.by_rule:
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(found.by_rule.items()))
        record_figure(f"Barrierefreiheit, nicht blockierende Regeln (Ansichten): {rules}")
    if found.excluded:
        parts = ", ".join(f"{rule} {n}" for rule, n in sorted(found.excluded.items()))
        record_figure(f"Barrierefreiheit, ausgenommen (Streamlit-Oberfläche, Knoten): {parts}")


AXE_VERSION = AXE.axe_script[: AXE.axe_script.index("\n")].removeprefix("/*! axe v").strip()


def check(page: Page, tally: Tally, view: str, role: str) -> list[str]:
    """Run axe on what the page shows now; count everything, return the blocking findings."""
    settle(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.axe_script)
    excluded = [[ex.rule, ex.inside] for ex in EXCLUDED]
    response = page.evaluate(RUN_JS, [AXE_OPTIONS, excluded])
    tally.views += 1
    tally.pages.add(view.split(" › ")[0].split(" (")[0])
    tally.roles.add(role)
    problems = []
    for violation in response["violations"]:
        nodes = []
        for node in violation["nodes"]:
            if node.get("excluded"):
                tally.excluded[violation["id"]] += 1
            else:
                nodes.append(node)
        if not nodes:
            continue
        impact = violation["impact"] or "minor"
        tally.by_impact[impact] += 1
        if impact not in BLOCKING:
            tally.by_rule[violation["id"]] += 1
            if violation["id"] not in BLOCKING_RULES:
                continue
        where = "; ".join(
            f"{n['target']} {n['html'][:120]!r} – {n.get('failureSummary', '')[:200]!r}"
            for n in nodes[:5]
        )
        problems.append(
            f"[{role}] {view}: {violation['id']} ({impact}) – {violation['help']}: {where}"
        )
    assert exception_texts(page) == [], f"{view}: {exception_texts(page)}"
    return problems


def after(page: Page) -> None:
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def visible_tabs(page: Page) -> list[str]:
    """The names of the tabs shown in the main area (a hidden panel's tabs are not)."""
    tabs = page.locator('[data-testid="stMain"] [role="tab"]:visible')
    return [name.strip() for name in tabs.all_inner_texts()]


def check_every_tab(page: Page, tally: Tally, view: str, role: str) -> list[str]:
    """The page as it opens, then each of its tabs (once over all roles: same content)."""
    problems = check(page, tally, view, role)
    for name in visible_tabs(page)[1:]:
        if (view, name) in tally.tabs_seen:
            continue
        tally.tabs_seen.add((view, name))
        tab = page.locator('[data-testid="stMain"] [role="tab"]:visible').filter(has_text=name)
        tab.first.click()
        after(page)
        problems += check(page, tally, f"{view} › {name}", role)
    return problems


def new_device(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def sign_in(page: Page, account: str) -> None:
    """``login`` without waiting for the navigation: with one page (Gremium) there is none."""
    wait_for_sign_in(page)
    page.locator(".st-key-auth_username input").fill(e2e_username(account))
    page.locator(".st-key-auth_password input").fill(E2E_PASSWORD)
    page.get_by_role("button", name=t("access.sign_in"), exact=True).click()
    expect(page.locator(".st-key-auth_username")).to_have_count(0)
    after(page)


def go_to(page: Page, base_url: str, path: str, title: str) -> None:
    """As a person goes there: by the page's link in the navigation. The projector view
    hides the navigation; from there, and for a single page, by its address."""
    link = page.locator(NAV).get_by_role("link", name=title, exact=True)
    if link.is_visible():
        link.click()
    else:
        page.goto(f"{base_url}/{path}")
    after(page)
    expect(page.locator("h1").first).to_be_visible()


def test_the_roles_and_pages_cover_the_navigation() -> None:
    """Every page of app.py is visited by at least one account (an empty list passes all)."""
    assert len(PAGES) >= 15
    visited = {path for account in ACCOUNT_ROLES for path, _ in pages_of(account)}
    assert visited == {path for path, _, _ in PAGES}
    assert set(pages_of(TEAM_LEAD)) == set(pages_of("admin")) | set(pages_of("coach"))


def test_the_sign_in_screen_has_no_serious_violation(
    streamlit_server: str, page: Page, tally: Tally
) -> None:
    page.goto(streamlit_server)
    wait_for_sign_in(page)
    problems = check_every_tab(page, tally, "Anmeldung", "nicht angemeldet")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("account", list(ACCOUNT_ROLES))
def test_every_page_has_no_serious_violation_for_the_role(
    streamlit_server: str, browser: Browser, tally: Tally, account: str
) -> None:
    context, page = new_device(browser)
    try:
        page.goto(streamlit_server)
        sign_in(page, account)
        problems: list[str] = []
        for index, (path, title) in enumerate(pages_of(account)):
            go_to(page, streamlit_server, "" if index == 0 else path, title)
            problems += check_every_tab(page, tally, f"/{path}", account)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_a_familys_case_pages_have_no_serious_violation(
    streamlit_server: str, page: Page, tally: Tally
) -> None:
    """Reise, Perspektivwechsel and Ist und Soll of a demo family with its journey (the
    navigation opens them without a family): steps, journey map, curve, both maps."""
    page.goto(f"{streamlit_server}/reise")
    sign_in(page, "coach")
    # The page's family box (its only select box): the first family of the list.
    page.locator('[data-testid="stMain"] [role="combobox"]').first.click()
    page.get_by_role("option").first.click()
    after(page)
    code = parse_qs(urlparse(page.url).query)["familie"][0]
    problems = check_every_tab(page, tally, "/reise (Familie)", "coach")
    for path in ("perspektive", "ist-soll"):
        page.goto(f"{streamlit_server}/{path}?familie={code}")
        after(page)
        expect(page.locator("h1").first).to_be_visible()
        problems += check_every_tab(page, tally, f"/{path} (Familie)", "coach")
    assert problems == [], "\n".join(problems)


def test_a_running_workshop_has_no_serious_violation_for_facilitator_projector_and_guest(
    streamlit_server: str, browser: Browser, tally: Tally
) -> None:
    """The workshop pages while a workshop runs: the coach's facilitator page, the
    projector, and the participant page of a guest who joined with the code."""
    facilitator_context, facilitator = new_device(browser)
    guest_context, guest = new_device(browser)
    try:
        open_page_signed_in(facilitator, streamlit_server, "workshop", "coach")
        facilitator.get_by_role("button", name=t("workshop_pages.create")).click()
        after(facilitator)
        code = facilitator.locator(".st-key-wf_code").inner_text().strip()
        problems = check_every_tab(facilitator, tally, "/workshop (läuft)", "coach")

        facilitator.get_by_role("link", name=t("workshop_pages.open_presenter")).click()
        after(facilitator)
        expect(facilitator.locator(".st-key-wp_code")).to_contain_text(code)
        problems += check(facilitator, tally, "/praesentation (läuft)", "Präsentation")

        guest.goto(f"{streamlit_server}/teilnehmen?code={code}")  # the QR code's link
        expect(guest.get_by_label(t("access.join_code"), exact=True)).to_have_value(code)
        guest.get_by_label(t("access.guest_label"), exact=True).fill("Gruppe Kita")
        guest.get_by_role("button", name=t("access.guest_join")).click()
        after(guest)
        expect(guest.get_by_text("Gruppe Kita", exact=False).first).to_be_visible()
        problems += check_every_tab(guest, tally, "/teilnehmen (Gast)", "Gast")
        assert problems == [], "\n".join(problems)
    finally:
        guest_context.close()
        facilitator_context.close()


def open_page_signed_in(page: Page, base_url: str, path: str, account: str) -> None:
    page.goto(f"{base_url}/{path}")
    login(page, account)  # then the app opens the address asked for
