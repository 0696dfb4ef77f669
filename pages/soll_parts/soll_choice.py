"""Ist und Soll: which family, and which of its Soll journeys is on screen; create, rename
and delete a Soll journey (the bar above the comparison, ``pages/soll.py``)."""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import Family, Journey
from pages.journey_parts import journey_extras as jx
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.soll_parts.soll_side import Ctx

PICK = "soll_family_pick"
CHOSEN = "soll_chosen"  # case code → id of the Soll journey on screen
CONFIRM = "soll_confirm_delete"  # id of the Soll journey waiting for delete confirmation

ss = st.session_state


def select_family() -> Family | None:
    return w.select_family("soll_page", pick_key=PICK, page_title=t("nav.soll"))


def requested_soll(code: str, solls: list[Journey]) -> Journey | None:
    """The Soll journey from ``?reise=``, else the one on screen last, else the newest."""
    ids = {j.id: j for j in solls}
    raw = st.query_params.get(jx.JOURNEY_PARAM)
    wanted = int(raw) if raw and raw.isdigit() else None
    if wanted not in ids:
        wanted = ss.setdefault(CHOSEN, {}).get(code)
    journey = ids.get(wanted) or (solls[-1] if solls else None)
    if journey is not None:
        ss.setdefault(CHOSEN, {})[code] = journey.id
        st.query_params[jx.JOURNEY_PARAM] = str(journey.id)
    else:
        st.query_params.pop(jx.JOURNEY_PARAM, None)
    return journey


def _on_choose(code: str) -> None:
    value = ss.get("soll_pick")
    if value:
        ss.setdefault(CHOSEN, {})[code] = value
        st.query_params[jx.JOURNEY_PARAM] = str(value)
    ss.pop(CONFIRM, None)


def _create(ist_id: int, code: str) -> None:
    """Copy the Ist journey into a new Soll journey and show it."""
    title = " ".join(str(ss.get("soll_new_title") or "").split())
    if not pii_guard.confirm_free_text({t("soll_page.new_title"): title}, "soll_new", show=False):
        return
    created = w.run_action(
        "soll_new",
        lambda: storage.copy_journey_to_soll(ui.db(), ist_id, title),
        success=t("soll_page.created"),
    )
    if created is not None:
        ss.setdefault(CHOSEN, {})[code] = created.id
        st.query_params[jx.JOURNEY_PARAM] = str(created.id)
        ss["soll_new_title"] = ""


def new_soll_form(ist: Journey, code: str, *, first: bool) -> None:
    """Title (optional) and the copy button: the way into a Soll journey."""
    with st.container(border=first, key="soll_new_box"):
        if first:
            st.markdown(t("soll_page.none_yet"))
        st.text_input(
            t("soll_page.new_title"),
            key="soll_new_title",
            placeholder=t("soll_page.new_title_placeholder"),
            max_chars=200,
        )
        st.button(
            t("soll_page.create"),
            key="soll_create",
            icon=":material/content_copy:",
            type="primary",
            help=t("soll_page.create_help"),
            on_click=guard.guarded(_create),
            args=(ist.id or 0, code),
        )
        pii_guard.show_pending("soll_new", on_confirm=_create, args=(ist.id or 0, code))
        w.show_errors("soll_new")


def _rename(soll: Journey) -> None:
    title = " ".join(str(ss.get(f"soll_title_{soll.id}") or "").split())
    if not title:
        w.fail("soll_bar", t("soll_page.title_empty"))
        return
    texts = {t("soll_page.title_label"): title}
    if not pii_guard.confirm_free_text(texts, f"soll_title_{soll.id}", show=False):
        return
    w.run_action(
        "soll_bar",
        lambda: storage.save_journey(ui.db(), soll.model_copy(update={"title": title})),
        success=t("soll_page.renamed"),
    )


def _delete(soll_id: int, code: str) -> None:
    ss.pop(CONFIRM, None)
    if w.run_action(
        "soll_bar",
        lambda: storage.delete_soll_journey(ui.db(), soll_id),
        success=t("soll_page.deleted"),
    ):
        ss.setdefault(CHOSEN, {}).pop(code, None)
        st.query_params.pop(jx.JOURNEY_PARAM, None)


def soll_bar(ctx: Ctx, solls: list[Journey]) -> None:
    """Which Soll variant, and what to do with it: edit steps, rename, copy anew, delete."""
    soll, code = ctx.soll, ctx.family.code
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        ss["soll_pick"] = soll.id
        st.selectbox(
            t("soll_page.pick_soll"),
            [j.id for j in solls],
            key="soll_pick",
            format_func=lambda i: next((jx.journey_label(j) for j in solls if j.id == i), str(i)),
            on_change=guard.guarded(_on_choose),
            args=(code,),
            width=360,
        )
        with st.popover(t("soll_page.rename"), icon=":material/edit:"):
            ss.setdefault(f"soll_title_{soll.id}", soll.title)
            st.text_input(t("soll_page.title_label"), key=f"soll_title_{soll.id}", max_chars=200)
            st.button(
                t("common.save"),
                key=f"soll_rename_{soll.id}",
                on_click=guard.guarded(_rename),
                args=(soll,),
            )
            pii_guard.show_pending(f"soll_title_{soll.id}", on_confirm=_rename, args=(soll,))
        with st.popover(t("soll_page.another"), icon=":material/add:"):
            new_soll_form(ctx.ist, code, first=False)
        st.button(
            t("soll_page.delete"),
            key=f"soll_delete_{soll.id}",
            icon=":material/delete:",
            type="tertiary",
            on_click=guard.guarded(lambda: ss.__setitem__(CONFIRM, soll.id)),
        )
    if ss.get(CONFIRM) == soll.id:
        st.warning(t("soll_page.confirm_delete", title=w.md(jx.journey_label(soll))))
        with st.container(horizontal=True, gap="small"):
            st.button(
                t("soll_page.confirm_yes"),
                key=f"soll_delete_yes_{soll.id}",
                type="primary",
                icon=":material/delete_forever:",
                on_click=guard.guarded(_delete),
                args=(soll.id or 0, code),
            )
            st.button(
                t("common.cancel"),
                key=f"soll_delete_no_{soll.id}",
                on_click=guard.guarded(lambda: ss.pop(CONFIRM, None)),
            )
    w.show_errors("soll_bar")
    jx.link(
        "pages/journey.py",
        t("soll_page.edit_steps"),
        url_path="reise",
        icon=":material/edit:",
        params={w.FAMILY_PARAM: code, jx.JOURNEY_PARAM: str(soll.id)},
    )
