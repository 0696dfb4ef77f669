"""Drafts of the step editor: half-entered work survives a reload, another page or device.

Every field of the step editor saves the form as a draft of this user on the server when
it changes (its ``on_change`` callback, so an ordinary rerun writes nothing); saving the
step or "Verwerfen" removes the draft. When the user comes back to the journey (reload,
another page and back, another tab or device), the editor opens again with the draft's
inputs, and says that it is a draft and when it was last kept. A draft of an edit whose
step someone else saved since is opened with the page's conflict panel.

The editor's widget keys are ``jse_<sid>_<field>`` (``sid``: a step id or ``new``); this
module owns that naming, so the editor and its drafts cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import streamlit as st

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Arrival, Channel, Childcare, Journey, Outcome, Step, TravelTime
from journeys.storage.drafts import DRAFT_DAYS, Draft
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

EDIT = "journey_edit"  # "new" or the id of the step whose editor is open
EDITOR = "jse_"  # prefix of every editor widget key
EDITOR_SCOPE = "editor"
ASK = "ask_discard"  # field of the editor that holds the open "Verwerfen?" question
PERSPECTIVE = ("sees", "brings", "understands", "feels")
TEXTS = (*PERSPECTIVE, "quote", "new_name")
FIELDS = (
    "stage", "service", "new_name", "new_kind", "channel", "month_year", "month_month",
    "members", "outcome", "emotion", "travel_time", "childcare", "quote", *PERSPECTIVE, "refs",
)  # fmt: skip
REFERRAL_FIELDS = ("to", "warm", "data", "arrived", "wait")
ENUMS: dict[str, Any] = {
    "channel": Channel,
    "outcome": Outcome,
    "travel_time": TravelTime,
    "childcare": Childcare,
}
LOCAL = ZoneInfo("Europe/Berlin")  # German Jobcenters: the time on the wall

ss = st.session_state


class DraftView(Protocol):
    """What the drafts need from the journey page's context."""

    journey: Journey
    user_id: int | None


def ek(sid: int | str, field: str) -> str:
    """The session key of one editor field: ``jse_<sid>_<field>``."""
    return f"{EDITOR}{sid}_{field}"


def close_editor() -> None:
    """Close the editor in this session (its draft, if any, stays on the server)."""
    for key in [k for k in ss if str(k).startswith(EDITOR)]:
        del ss[key]
    ss.pop(EDIT, None)
    w.clear_errors(EDITOR_SCOPE)


def step_id_of(sid: int | str) -> int | None:
    return None if sid == "new" else int(sid)


# ---------------------------------------------------------------- keeping


def values(sid: int | str) -> dict[str, Any]:
    """The editor's inputs as JSON: what a draft keeps."""
    out: dict[str, Any] = {}
    for field in FIELDS:
        value = ss.get(ek(sid, field))
        out[field] = value.value if isinstance(value, tuple(ENUMS.values())) else value
    refs = list(ss.get(ek(sid, "refs"), []))
    out["refs"] = refs
    out["ref_ids"] = {str(uid): rid for uid, rid in ss.get(ek(sid, "ref_ids"), {}).items()}
    for uid in refs:
        for field in REFERRAL_FIELDS:
            value = ss.get(ek(sid, f"r{uid}_{field}"))
            out[f"r{uid}_{field}"] = value.value if isinstance(value, Arrival) else value
    return out


def keep(user_id: int | None, journey_id: int | None, sid: int | str) -> None:
    """Save the editor's inputs as this user's draft (a widget's ``on_change``)."""
    if user_id is None or journey_id is None or ss.get(EDIT) != sid:
        return
    try:
        storage.drafts.save_draft(
            ui.db(),
            user_id,
            journey_id,
            step_id_of(sid),
            values(sid),
            base_version=int(ss.get(ek(sid, "version")) or 0),
        )
    except ZugangsatlasError as exc:
        w.fail(EDITOR_SCOPE, str(exc))


def change(view: DraftView, sid: int | str) -> dict[str, Any]:
    """``on_change`` and ``args`` for an editor widget: keep the draft when it changes."""
    return {"on_change": guard.guarded(keep), "args": (view.user_id, view.journey.id, sid)}


def kept_now(view: DraftView, sid: int | str) -> None:
    """Keep the draft after a change made by a button (a referral added or removed)."""
    keep(view.user_id, view.journey.id, sid)


# ---------------------------------------------------------------- restoring


def apply(sid: int | str, draft: Draft) -> None:
    """Put the draft's inputs into the editor's fields (the editor opens with them)."""
    data = draft.values
    for field in FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ENUMS and value is not None:
            value = ENUMS[field](value)
        ss[ek(sid, field)] = value
    ss[ek(sid, "refs")] = [int(uid) for uid in data.get("refs", [])]
    ss[ek(sid, "ref_ids")] = {int(uid): rid for uid, rid in data.get("ref_ids", {}).items()}
    for uid in ss[ek(sid, "refs")]:
        for field in REFERRAL_FIELDS:
            value = data.get(f"r{uid}_{field}")
            if field == "arrived":
                value = Arrival(value or Arrival.OFFEN)
            ss[ek(sid, f"r{uid}_{field}")] = value
    ss[ek(sid, "version")] = draft.base_version


def user_drafts(view: DraftView, steps: list[Step]) -> dict[int | str, Draft]:
    """The user's drafts of this journey by editor ``sid`` (drafts of deleted steps skipped)."""
    if view.user_id is None or view.journey.id is None:
        return {}
    ids = {step.id for step in steps}
    found: dict[int | str, Draft] = {}
    for draft in storage.drafts.list_drafts(ui.db(), view.user_id, view.journey.id):
        if draft.step_id is None:
            found.setdefault("new", draft)
        elif draft.step_id in ids:
            found.setdefault(draft.step_id, draft)
    return found


# ---------------------------------------------------------------- discarding


def typed_text(sid: int | str, saved: Step | None) -> bool:
    """Whether the editor holds text the user typed (different from the saved step)."""
    for field in TEXTS:
        now = str(ss.get(ek(sid, field)) or "").strip()
        before = str(getattr(saved, field, "") or "").strip() if saved else ""
        if now != before:
            return True
    return False


def discard(view: DraftView, sid: int | str) -> None:
    """Delete the user's draft of this form (the editor is closed by the caller)."""
    if view.user_id is None or view.journey.id is None:
        return
    storage.drafts.discard_draft(ui.db(), view.user_id, view.journey.id, step_id_of(sid))


# ---------------------------------------------------------------- what the screen says


def when(moment: datetime) -> str:
    """``um 14:32`` today, ``am 05.12. um 14:32`` before (local time)."""
    local = moment.astimezone(UTC).astimezone(LOCAL)
    clock = f"{local:%H:%M}"
    if local.date() == datetime.now(LOCAL).date():
        return t("drafts.when_today", time=clock)
    return t("drafts.when_day", day=f"{local:%d.%m.}", time=clock)


def note(draft: Draft | None) -> None:
    """Under the editor's title: a draft (and since when) or not yet anything kept."""
    if draft is None:
        st.caption(t("drafts.draft_none"))
        return
    text = f"{t('drafts.draft_saved', when=when(draft.updated_at))} {expiry_text()}"
    st.info(text, icon=":material/edit_note:")


def card_note(draft: Draft | None, *, new: bool = False) -> None:
    """On a step card (or by "Schritt hinzufügen"): a draft of it waits to be opened."""
    if draft is None:
        return
    key = "drafts.new_has_draft" if new else "drafts.step_has_draft"
    st.caption(f":orange-badge[{t('drafts.badge')}] {t(key, when=when(draft.updated_at))}")


def expiry_text() -> str:
    return t("drafts.expiry_note", days=DRAFT_DAYS)
