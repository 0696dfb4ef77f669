"""Saving the step editor: the form read into a ``Step``, validated, written in one go.

Part of the step editor (``pages/journey_parts/step_editor.py``). Once saved, the user's draft of
the
form is deleted: the saved step is the truth.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from journeys import storage
from journeys.errors import ConflictError, InputError, ZugangsatlasError
from journeys.i18n import t
from journeys.models import Service, Step
from pages.journey_parts import step_drafts as sd
from pages.journey_parts import step_referrals as refs
from pages.journey_parts.step_drafts import EDITOR_SCOPE, PERSPECTIVE, ek
from pages.shared import pii_guard, ui
from pages.shared import widgets as w

NEW_SERVICE = -1  # the "Neues Hilfeangebot …" choice of the service box

ss = st.session_state


def step_from_editor(ctx: Any, sid: int | str) -> Step:
    """The step as the editor shows it, validated by the model (German errors on failure)."""
    service = ss.get(ek(sid, "service"))
    data: dict[str, Any] = {
        "id": None if sid == "new" else sid,
        "journey_id": ctx.journey.id,
        "stage_key": ss.get(ek(sid, "stage")),
        "service_id": None if service in (None, NEW_SERVICE) else service,
        "channel": ss.get(ek(sid, "channel")),
        "month": f"{int(ss[ek(sid, 'month_year')]):04d}-{int(ss[ek(sid, 'month_month')]):02d}",
        "member_ids": list(ss.get(ek(sid, "members")) or []),
        "outcome": ss.get(ek(sid, "outcome")),
        "emotion": ss.get(ek(sid, "emotion"), 0),
        "travel_time": ss.get(ek(sid, "travel_time")),
        "childcare": ss.get(ek(sid, "childcare")),
        "quote": ss.get(ek(sid, "quote")) or "",
        "referrals": refs.rows(sid),
        "version": ss.get(ek(sid, "version"), 0),
    }
    data.update({field: ss.get(ek(sid, field)) or "" for field in PERSPECTIVE})
    return Step.model_validate(data)


def _is_empty(step: Step) -> bool:
    """A step that says nothing: no service, no word of the family, no referral."""
    texts = [getattr(step, field) for field in PERSPECTIVE] + [step.quote]
    return step.service_id is None and not any(x.strip() for x in texts) and not step.referrals


def _new_service(ctx: Any, sid: int | str, stage_key: str) -> Service:
    """The service typed in the editor, created in the family's Sozialraum (or found there)."""
    name = " ".join(str(ss.get(ek(sid, "new_name")) or "").split())
    if not name:
        raise ZugangsatlasError(t("errors.empty_name"))
    for service in storage.list_services(
        ui.db(), sozialraum=ctx.family.sozialraum, include_retired=True
    ):
        if service.name.casefold() == name.casefold():
            return service
    kind = str(ss.get(ek(sid, "new_kind")) or "")
    created = Service(name=name, kind=kind, sozialraum=ctx.family.sozialraum, stages=[stage_key])
    return storage.save_service(ui.db(), created)


def save_step(ctx: Any, sid: int | str) -> None:
    """Validate everything first, then (if asked) create the new service, then save the step.

    The step's barrier tags are edited on their own (fast tagging), so they are taken as
    saved right now, never from the editor: saving a step never drops a tag someone
    added meanwhile. A step changed by someone else since the editor opened is a
    conflict: the message says so and the inputs stay. Text that looks like personal data
    is held back with a warning in the editor (``pii_guard``); its checkbox saves anyway.
    Once saved, the user's draft of the form is gone: the saved step is the truth.
    """
    texts = {t(f"journey.{field}_label"): ss.get(ek(sid, field)) or "" for field in PERSPECTIVE}
    texts[t("journey.quote")] = ss.get(ek(sid, "quote")) or ""
    if not pii_guard.confirm_free_text(texts, ek(sid, "pii"), show=False):
        return
    ss[ek(sid, "conflict")] = False
    created: list[Service] = []

    def save() -> Step:
        step = step_from_editor(ctx, sid)
        if sid == "new" and _is_empty(step) and ss.get(ek(sid, "service")) != NEW_SERVICE:
            raise InputError(t("journey.step_empty"))
        if step.id is not None:
            step = step.model_copy(update={"tags": storage.get_step(ui.db(), step.id).tags})
        if ss.get(ek(sid, "service")) == NEW_SERVICE:
            service = _new_service(ctx, sid, step.stage_key)
            created.append(service)
            step = step.model_copy(update={"service_id": service.id})
        try:
            # keep_tags: the stored tags, read inside the save's own transaction (no race).
            return storage.save_step(ui.db(), step, keep_tags=True)
        except ConflictError:
            ss[ek(sid, "conflict")] = True
            raise

    if w.run_action(EDITOR_SCOPE, save, success=t("journey.saved")) is None:
        return
    sd.discard(ctx, sid)
    if created and created[0].id not in ctx.services:
        ui.flash(
            t("journey.saved")
            + " "
            + t("journey.service_created", name=created[0].name, sozialraum=created[0].sozialraum)
        )
    sd.close_editor()


def keep_mine(ctx: Any, sid: int | str) -> None:
    """Save the user's own input on top of the stored version they were shown."""
    ss[ek(sid, "version")] = ss.get(ek(sid, "theirs_version"), ss.get(ek(sid, "version")))
    save_step(ctx, sid)
