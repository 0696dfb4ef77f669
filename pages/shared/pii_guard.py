"""The warning before free text that looks like personal data is saved.

Call ``confirm_free_text`` right before saving text a user typed. It returns True when
saving is fine: nothing looks like personal data, or the user ticked "Trotzdem speichern"
for exactly what was found. Otherwise it remembers the findings, shows a German warning
naming field, kind and excerpt with the checkbox, and returns False: do not save, keep
the form as it is.

Streamlit forgets a widget that is not drawn on the next run, so the checkbox keeps its
answer in plain session state, tied to a fingerprint of the findings: a confirmation
for one name does not carry over to another name typed afterwards.

Three ways to use it:

- In the script body (``if st.button(...)``): ``confirm_free_text(texts, key)`` draws the
  warning itself; ticking the box reruns, and the next click on save goes through.
- Still smoother in the body: ``guard_submit(texts, key, submitted)`` each run, which
  also saves right when the box is ticked (no second click).
- In a button callback (``on_click``), where nothing can be drawn: call
  ``confirm_free_text(texts, key, show=False)`` in the callback and
  ``show_pending(key, on_confirm=callback, args=...)`` in the body where the warning
  belongs; ticking the box calls the callback again, which then saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from journeys.access.pii import Finding, find_in_fields, fingerprint
from journeys.i18n import t
from pages.session import guard

ss = st.session_state


def _pending_key(key: str) -> str:
    return f"{key}_pii_pending"


def _ok_key(key: str) -> str:
    return f"{key}_pii_ok"


def _box_key(key: str) -> str:
    return f"{key}_pii_box"


def pending(key: str) -> bool:
    """Whether a warning waits for an answer under ``key``."""
    return _pending_key(key) in ss


def confirmed(key: str) -> bool:
    """Whether the user ticked "Trotzdem speichern" for the findings waiting under ``key``."""
    waiting = ss.get(_pending_key(key))
    return bool(waiting) and ss.get(_ok_key(key)) == waiting["fingerprint"]


def clear(key: str) -> None:
    """Forget the warning and the answer (after a save, or when the form closes)."""
    for name in (_pending_key(key), _ok_key(key), _box_key(key)):
        ss.pop(name, None)


def warning_lines(findings: list[tuple[str, Finding]]) -> list[str]:
    """The findings as German lines: "Was die Familie sieht: Name – „Yılmaz“"."""
    return [
        t("privacy.pii.finding", field=field, kind=finding.label, excerpt=finding.excerpt)
        for field, finding in findings
    ]


def _markdown(text: str) -> str:
    """User text as literal Markdown: every character that Markdown or Streamlit's
    directives (``:red[...]``) would read is escaped."""
    special = "\\`*_{}[]()<>#+-.!|~$:"
    return "".join("\\" + c if c in special else c for c in text)


def confirm_free_text(texts: dict[str, str], key: str, *, show: bool = True) -> bool:
    """True when these texts (field label → text) may be saved; else warn and return False.

    ``key`` names the form (unique on the page). ``show=False`` only remembers the warning,
    for callers inside a callback: they draw it with ``show_pending``.
    """
    findings = find_in_fields(texts)
    if not findings:
        clear(key)
        return True
    mark = fingerprint(findings)
    if ss.get(_ok_key(key)) == mark:
        # Confirmed: the answer stays for this text, so that a save refused for another
        # reason (a missing field) does not ask again once that is fixed.
        ss.pop(_pending_key(key), None)
        ss.pop(_box_key(key), None)
        return True
    ss[_pending_key(key)] = {"fingerprint": mark, "lines": warning_lines(findings)}
    ss.pop(_ok_key(key), None)
    if show:
        _draw(key)
    return False


def show_pending(
    key: str,
    *,
    on_confirm: Callable[..., Any] | None = None,
    args: tuple[Any, ...] = (),
) -> bool:
    """Draw the waiting warning with its checkbox (nothing if none waits); True when ticked.

    ``on_confirm`` runs when the box is ticked (the save callback: it saves then).
    """
    if not pending(key):
        return False
    _draw(key, on_confirm=on_confirm, args=args)
    return confirmed(key)


def guard_submit(texts: dict[str, str], key: str, submitted: bool) -> bool:
    """For forms in the script body: call on every run; True when the page should save now.

    Saves on the click when nothing is found, and right when the box is ticked otherwise.
    """
    go = submitted or confirmed(key)
    result = go and confirm_free_text(texts, key, show=False)
    if not result and pending(key):
        _draw(key)
    return result


def _remember(key: str, on_confirm: Callable[..., Any] | None, args: tuple[Any, ...]) -> None:
    """The checkbox's answer, kept outside the widget (which Streamlit may forget)."""
    waiting = ss.get(_pending_key(key))
    if not waiting:
        return
    if ss.get(_box_key(key)):
        ss[_ok_key(key)] = waiting["fingerprint"]
        if on_confirm is not None:
            on_confirm(*args)
    else:
        ss.pop(_ok_key(key), None)


def _draw(
    key: str, *, on_confirm: Callable[..., Any] | None = None, args: tuple[Any, ...] = ()
) -> None:
    waiting = ss[_pending_key(key)]
    ss[_box_key(key)] = ss.get(_ok_key(key)) == waiting["fingerprint"]
    with st.container(border=True, key=f"{key}_pii_warning"):
        lines = "\n".join(f"- {_markdown(line)}" for line in waiting["lines"])
        st.warning(
            f"**{t('privacy.pii.warning_heading')}**\n\n{lines}\n\n{t('privacy.pii.warning_rule')}",
            icon=":material/privacy_tip:",
        )
        st.checkbox(
            t("privacy.pii.confirm"),
            key=_box_key(key),
            help=t("privacy.pii.confirm_help"),
            on_change=guard.guarded(_remember),
            args=(key, on_confirm, args),
        )
