"""The personal-data warning of an import, with the choice to import anyway.

A checked import file whose free text looks like personal data (``journeys.exchange.importcheck``)
shows every finding by family, step and field (JSON) or row and column (tables), and a
checkbox "Trotzdem importieren". Only with the box ticked is the import button enabled;
the import then records the choice in the audit log. The answer is tied to a fingerprint
of the findings: ticking it for one file does not carry over to another.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from journeys.access.pii import fingerprint
from journeys.exchange.importcheck import finding_lines
from journeys.i18n import t
from journeys.models.permissions import Permission, User

ss = st.session_state


def may_edit_catalogue(user: User) -> bool:
    """Whether this user's import may add categories, barriers, stages, services and
    Sozialräume (the settings permission: administrators)."""
    return user.may(Permission.SETTINGS)


def _markdown(text: str) -> str:
    special = "\\`*_{}[]()<>#+-.!|~$:"
    return "".join("\\" + c if c in special else c for c in text)


def confirmed_findings(findings: Any, key: str) -> bool:
    """Show the findings with the checkbox; True when there are none or the box is ticked
    for exactly these findings."""
    findings = list(findings or ())
    box = f"{key}_pii_import"
    if not findings:
        ss.pop(box, None)
        return True
    mark = fingerprint(findings)
    if ss.get(f"{box}_mark") != mark:  # another file: ask again
        ss[box] = False
        ss[f"{box}_mark"] = mark
    with st.container(border=True, key=f"{key}_pii_findings"):
        lines = "\n".join(f"- {_markdown(line)}" for line in finding_lines(findings))
        st.warning(
            f"**{t('importcheck.pii_heading', n=len(findings))}**\n\n{lines}\n\n"
            f"{t('importcheck.pii_rule')}",
            icon=":material/privacy_tip:",
        )
        return bool(
            st.checkbox(t("importcheck.confirm"), key=box, help=t("importcheck.confirm_help"))
        )
