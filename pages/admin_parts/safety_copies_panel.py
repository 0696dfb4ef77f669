"""Safety copies and backups under the retention rules: the panel on the Sicherung page
and the notices on the Datenschutz page (``journeys/access/safety_copies.py``).

The Sicherung page lists the safety copies on the server (date, size, older than the
retention period) and lets an administrator delete them after typing the confirmation
word; it also lists the backups the audit log knows of. The Datenschutz page says plainly,
before a family is erased or anonymised, which copies and backups still hold it. Only
file names, dates and sizes are shown: in tables, or Markdown-escaped in the notices.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import formats
from journeys.access import erasure, safety_copies
from journeys.i18n import t
from pages.session import guard
from pages.shared import ui
from pages.shared.widgets import md

KEY = "safety_copies_"


def _copies_table(copies: list[safety_copies.SafetyCopy], months: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("safety_copies.page.column_file"): [c.name for c in copies],
            t("safety_copies.page.column_created"): [c.created_label() for c in copies],
            t("safety_copies.page.column_size"): [c.size_label() for c in copies],
            t("safety_copies.page.column_past"): [
                t("common.yes") if c.past_retention(months) else t("common.no") for c in copies
            ],
        }
    )


def copies_section() -> None:
    """The safety copies next to the database: listed, and deletable by an admin."""
    st.header(t("safety_copies.page.heading"))
    months = erasure.retention_months(ui.db())
    st.caption(t("safety_copies.page.help", months=months))
    copies = safety_copies.list_copies(ui.db_path())
    if not copies:
        st.success(t("safety_copies.page.none"), icon=":material/check:")
        return
    total = sum(c.size_bytes for c in copies)
    size = formats.megabytes(total)
    st.text(t("safety_copies.page.count", n=len(copies), size=size))
    past = [c.name for c in copies if c.past_retention(months)]
    if past:
        st.warning(t("safety_copies.page.past", n=len(past), months=months))
    st.dataframe(_copies_table(copies, months), hide_index=True, width="stretch")
    names = [c.name for c in copies]
    chosen = st.multiselect(t("safety_copies.page.pick"), names, key=KEY + "chosen")
    if past:
        st.button(
            t("safety_copies.page.pick_past"),
            key=KEY + "pick_past",
            on_click=guard.guarded(lambda: st.session_state.update({KEY + "chosen": past})),
        )
    if not chosen:
        return
    word = t("safety_copies.confirm_word")
    typed = st.text_input(t("safety_copies.page.confirm", word=word), key=KEY + "confirm")
    label = t("safety_copies.page.delete_button", n=len(chosen))
    if st.button(label, type="primary", key=KEY + "delete", icon=":material/delete_forever:"):
        with ui.saving(t("safety_copies.page.deleted", n=len(chosen))) as attempt:
            safety_copies.delete(ui.db(), ui.db_path(), chosen, typed)
        if attempt.ok:
            for key in ("chosen", "confirm"):
                st.session_state.pop(KEY + key, None)
            st.rerun()


def backups_section() -> None:
    """The backups the audit log knows of (they are no longer under the app's control)."""
    st.header(t("safety_copies.page.backups_heading"))
    st.caption(t("safety_copies.page.backups_help"))
    made = safety_copies.backups_made(ui.db())
    if made.empty:
        st.text(t("safety_copies.page.backups_none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("safety_copies.page.column_at"): pd.to_datetime(made["at"], utc=True)
                .dt.tz_convert("Europe/Berlin")
                .dt.strftime("%d.%m.%Y %H:%M"),
                t("safety_copies.page.column_actor"): made["actor"],
                t("safety_copies.page.column_detail"): made["detail"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def family_notice(code: str) -> None:
    """Before erasing or anonymising: which safety copies and backups still hold it."""
    held = safety_copies.holdings(ui.db(), ui.db_path(), code)
    if not held.any:
        st.info(t("safety_copies.family.none"), icon=":material/inventory_2:")
        return
    lines: list[str] = []
    if held.copies:
        listed = ", ".join(md(f"{c.name} ({c.created_label()})") for c in held.copies)
        lines.append(t("safety_copies.family.copies", n=len(held.copies), list=listed))
    if held.unreadable:
        listed = ", ".join(md(c.name) for c in held.unreadable)
        lines.append(t("safety_copies.family.unreadable", n=len(held.unreadable), list=listed))
    if len(held.backups):
        last = pd.to_datetime(held.backups["at"].iloc[0], utc=True).tz_convert("Europe/Berlin")
        lines.append(
            t("safety_copies.family.backups", n=len(held.backups), last=f"{last:%d.%m.%Y}")
        )
    lines.append(t("safety_copies.family.consequence"))
    st.warning("\n\n".join(lines), icon=":material/inventory_2:")


def bulk_notice() -> None:
    """The same, for the families of the retention list."""
    copies = len(safety_copies.list_copies(ui.db_path()))
    backups = len(safety_copies.backups_made(ui.db()))
    if copies or backups:
        st.warning(
            t("safety_copies.family.bulk", copies=copies, backups=backups),
            icon=":material/inventory_2:",
        )
