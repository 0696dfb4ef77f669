""" "Was hat geholfen?": the one choice under a reduced or removed barrier tag.

When a tag is set to *verringert* or *beseitigt* (``tag_lifecycle``), what helped is saved
in the same click, prefilled with the service that acted on the tag or else the step's
service; the choice under the tag changes it in one more click, or sets it back to "nicht
erfasst". The options: the services of the catalogue, the Soll measures of the family for
that barrier, the Sozialraum resources and volunteers of the catalogue in the family's
Sozialraum, the family's own resources (each kind also without naming the item); resources
whose type reveals health only for users with health rights.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import BarrierTag, Step, TagStatus
from journeys.models.helped import HELPED_STATUSES, HelpKind, WhatHelped
from pages.journey_parts.journey_tags import TagView
from pages.session import auth, guard
from pages.shared import ui
from pages.shared import widgets as w

ss = st.session_state

NOT_RECORDED = ""  # the option "nicht erfasst"
# Kinds that may be chosen without naming an item.
UNNAMED_KINDS = (HelpKind.SOZIALRAUM, HelpKind.FAMILIE, HelpKind.EHRENAMT)


def _key(tag_id: int | None) -> str:
    return f"jt_{tag_id}_helped"


def option_of(record: WhatHelped | None) -> str:
    """The option of a saved record: ``kind`` or ``kind:item id``; "" for none."""
    if record is None:
        return NOT_RECORDED
    item = record.item_id
    return record.kind.value if item is None else f"{record.kind.value}:{item}"


def record_of(option: str, tag_id: int, status: TagStatus) -> WhatHelped | None:
    """The record an option stands for (``None`` for "nicht erfasst")."""
    if not option:
        return None
    kind_text, _, item = option.partition(":")
    kind = HelpKind(kind_text)
    fields: dict[str, int] = {}
    if item and kind.reference:
        fields[kind.reference] = int(item)
    return WhatHelped(tag_id=tag_id, status=status, kind=kind, recorded_on=date.today(), **fields)


def prefill(service_id: int | None, tag_id: int, status: TagStatus) -> WhatHelped | None:
    """What a status change records at once: the acting or the step's service, if any."""
    if status not in HELPED_STATUSES or service_id is None:
        return None
    return WhatHelped(
        tag_id=tag_id,
        status=status,
        kind=HelpKind.HILFEANGEBOT,
        service_id=service_id,
        recorded_on=date.today(),
    )


def _options(ctx: TagView, step: Step, tag: BarrierTag, saved: str) -> dict[str, str]:
    """Every option with its label, the step's and the acting service first."""
    kind = HelpKind.HILFEANGEBOT
    first = [i for i in (tag.acted_service_id, step.service_id) if i]
    services = dict.fromkeys([*first, *ctx.service_options(*first)])
    options = {NOT_RECORDED: t("helped.not_recorded")}
    for service_id in services:
        options[f"{kind.value}:{service_id}"] = t(
            "helped.option", kind=kind.label, item=ctx.service_label(service_id)
        )
    items = storage.help_items_for_tag(ui.db(), tag.id or 0, health=_sees_health())
    for named, found in (
        (HelpKind.SOLL_MASSNAHME, [(i, _short(text)) for i, text in items.measures]),
        (HelpKind.SOZIALRAUM, items.sozialraum),
        (HelpKind.FAMILIE, items.family),
        (HelpKind.EHRENAMT, items.volunteers),
    ):
        for item_id, item in found:
            options[f"{named.value}:{item_id}"] = t("helped.option", kind=named.label, item=item)
    for unnamed in UNNAMED_KINDS:
        options[unnamed.value] = t("helped.option_unnamed", kind=unnamed.label)
    if saved not in options:  # an item since retired stays selectable as saved
        options[saved] = t("helped.option_saved")
    return options


def _sees_health() -> bool:
    user = auth.current_user()
    return user is not None and user.sees_health


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def helped_choice(
    ctx: TagView, step: Step, tag: BarrierTag, saved: dict[tuple[int, TagStatus], WhatHelped]
) -> None:
    """The choice "Was hat geholfen?" for a reduced or removed tag (nothing for "erkannt")."""
    if tag.status not in HELPED_STATUSES or tag.id is None:
        return
    current = option_of(saved.get((tag.id, tag.status)))
    options = _options(ctx, step, tag, current)
    ss[_key(tag.id)] = current
    label = t(f"helped.choice.{tag.status.value}")
    st.selectbox(
        label,
        list(options),
        key=_key(tag.id),
        format_func=lambda o: options.get(o, o),
        help=t("helped.choice_help"),
        on_change=guard.guarded(_on_choice),
        args=(tag.id, tag.status.value),
    )


def _on_choice(tag_id: int, status_value: str) -> None:
    option = ss.get(_key(tag_id)) or NOT_RECORDED
    status = TagStatus(status_value)

    def save() -> None:
        record = record_of(option, tag_id, status)
        if record is None:
            storage.clear_helped(ui.db(), tag_id, status)
        else:
            storage.record_helped(ui.db(), record)

    w.run_action(f"tag{tag_id}", save, success=t("helped.saved"))
