"""The app's HTML page in German, before and after Streamlit's JavaScript runs.

Streamlit 1.67 has no interface language: its page declares ``<html lang="en">`` and its
frontend bundle carries English texts ("No results", "Browse files", "Upload",
"Download as CSV", "Page not found", …). Where Streamlit offers a parameter the app uses
it (placeholders, ``date_input(format=…)``); this module covers the rest:

- ``GermanShell`` (ASGI middleware, added in ``serve.py``) rewrites every HTML page
  Streamlit serves: ``lang="de"`` in the very first byte, a German title and ``<noscript>``
  text, and an inline script (and the page menu's, ``pages/web/page_menu.py``).
- The script holds the translation table ``data/i18n/de/frontend/streamlit.toml`` (whole
  texts and patterns) and replaces Streamlit's English in text, ``aria-label``,
  ``title``, ``placeholder`` and ``alt`` whenever Streamlit draws it (a
  ``MutationObserver``); it also puts ``lang="de"`` back should anything change it.

Guarded against a Streamlit upgrade by ``tests/pages/test_german_shell.py`` (every
English key must still be in the bundle; every watched string must be translated) and
by the browser test ``tests/e2e/test_german_e2e.py`` (every page, every role, every
opened widget: none of its listed English, ``lang="de"``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

from journeys.i18n import I18N_DIR, current_language, t
from pages.web import page_menu

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Requests that never answer with the app's HTML page: left alone (and compressed as usual).
_NOT_HTML_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/auth/", "/oauth2")

# Attributes a screen reader reads out or a mouse pointer shows.
ATTRIBUTES = (
    "aria-label",
    "title",
    "placeholder",
    "alt",
    "aria-description",
    "aria-valuetext",
    "aria-roledescription",
)

_SCRIPT = """(() => {
  const EXACT = %(exact)s;
  const PATTERNS = %(patterns)s.map(([en, de]) => [new RegExp(en), de]);
  const ATTRS = %(attributes)s;
  const german = (text) => {
    if (typeof text !== "string") return null;
    const core = text.trim();
    if (!core) return null;
    let de = Object.prototype.hasOwnProperty.call(EXACT, core) ? EXACT[core] : null;
    if (de === null) {
      for (const [en, replacement] of PATTERNS) {
        if (en.test(core)) { de = core.replace(en, replacement); break; }
      }
    }
    // A function, so that a "$" in what Streamlit shows is never read as a pattern.
    return de === null || de === core ? null : text.replace(core, () => de);
  };
  const fixText = (node) => {
    const de = german(node.nodeValue);
    if (de !== null) node.nodeValue = de;
  };
  const fixElement = (el) => {
    for (const name of ATTRS) {
      const de = el.hasAttribute(name) ? german(el.getAttribute(name)) : null;
      if (de !== null) el.setAttribute(name, de);
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) fixText(n); else fixElement(n);
    }
  };
  const html = document.documentElement;
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "characterData") fixText(m.target);
      else if (m.type === "attributes") {
        if (m.target === html && m.attributeName === "lang") {
          if (html.lang !== "%(lang)s") html.lang = "%(lang)s";
        } else fixElement(m.target);
      } else m.addedNodes.forEach(walk);
    }
  }).observe(html, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: [...ATTRS, "lang"],
  });
  walk(html);
})();"""


@cache
def translations(lang: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Streamlit's English texts and their translation: ``(exact, patterns)``.

    An empty table for a language that has none (English needs no translation).
    """
    path = I18N_DIR / (lang or current_language()) / "frontend" / "streamlit.toml"
    if not path.exists():
        return {}, {}
    with path.open("rb") as f:
        table = tomllib.load(f)
    exact = dict(table.get("exact", {}))
    patterns = dict(table.get("patterns", {}))
    for pattern in patterns:
        re.compile(pattern)  # a broken pattern fails here, on start, not in the browser
    return exact, patterns


def _json_for_script(value: object) -> str:
    """JSON that cannot end the ``<script>`` element it is written into."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


@cache
def translation_script(lang: str | None = None) -> str:
    """The inline script that puts Streamlit's English into the interface language."""
    language = lang or current_language()
    exact, patterns = translations(language)
    return _SCRIPT % {
        "exact": _json_for_script(exact),
        "patterns": _json_for_script(list(patterns.items())),
        "attributes": _json_for_script(list(ATTRIBUTES)),
        "lang": re.sub(r"[^A-Za-z-]", "", language),
    }


_HTML_LANG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_NOSCRIPT = re.compile(rb"<noscript>.*?</noscript>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(rb"<head>", re.IGNORECASE)


def german_page(html: bytes) -> bytes:
    """Streamlit's ``index.html`` with the interface language, title and script."""
    language = re.sub(r"[^A-Za-z-]", "", current_language()).encode()
    page = _HTML_LANG.sub(b'<html lang="' + language + b'">', html, count=1)
    title = t("common.app_title").replace("&", "&amp;").replace("<", "&lt;")
    page = _TITLE.sub(f"<title>{title}</title>".encode(), page, count=1)
    noscript = t("german_shell.noscript").replace("&", "&amp;").replace("<", "&lt;")
    page = _NOSCRIPT.sub(f"<noscript><p>{noscript}</p></noscript>".encode(), page, count=1)
    menu = page_menu.script(_json_for_script)
    script = f"<script>{translation_script()}</script><script>{menu}</script>".encode()
    # First thing in <head>: the observer is in place before Streamlit draws anything.
    return _HEAD.sub(lambda m: m.group(0) + script, page, count=1)


def _wants_page(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return scope.get("method") == "GET" and not path.startswith(_NOT_HTML_PREFIXES)


class GermanShell:
    """Serve every HTML page of the app through ``german_page`` (see the module text)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _wants_page(scope):
            await self.app(scope, receive, send)
            return
        # The page is small; uncompressed, it can be rewritten without unpacking it.
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = message  # held back until the whole body is there
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = german_page(b"".join(body))
                headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                headers.append((b"content-length", str(len(page)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": page, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, rewrite)
