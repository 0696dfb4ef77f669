"""Datenschutz: erase or anonymise a family, and the retention period (administrators).

An administrator looks a family up by its case code, reads what erasure and anonymisation
do (``journeys/access/erasure.py``), and confirms by typing the case code: a wrong click must
not end a family's record. The retention list shows families without a change for longer
than the period set here, to anonymise or erase in one go (confirmed by typing the word
the button names). Each family is logged on its own under the administrator's name.
Needs ``Permission.ERASURE``, checked on the server on every run. Only codes, figures and
dates are shown here, never a family's free text.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.access import erasure
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import Family, HouseholdType
from journeys.models.permissions import Permission
from pages.admin_parts import safety_copies_panel
from pages.session import guard
from pages.shared import ui

KEY = "privacy_"
ERASE, ANONYMISE = "erase", "anonymise"
NEW_CODE = KEY + "new_code"  # the new code of the family just anonymised, shown once


def _family_card(family: Family, steps: int) -> None:
    """Who the family is in figures: nothing a coach wrote."""
    household = HouseholdType(family.household_type).label
    lines = [
        t("audit.page.card_code", code=family.code),
        t("audit.page.card_place", sozialraum=family.sozialraum, household=household),
        t("audit.page.card_team", team=family.team or t("common.none")),
        t("audit.page.card_figures", members=len(family.members), steps=steps),
        t("audit.page.card_changed", at=f"{family.updated_at:%d.%m.%Y}"),
    ]
    if family.id in erasure.anonymised_family_ids(ui.db()):
        lines.append(t("audit.page.card_anonymised"))
    st.text("\n".join(lines))


def _lookup() -> Family | None:
    code = erasure.normalise_code(st.text_input(t("audit.page.lookup"), key=KEY + "code"))
    if not code:
        return None
    try:
        family_id = erasure.family_by_code(ui.db(), code)
    except NotFoundError as exc:
        st.warning(str(exc), icon=":material/search_off:")
        return None
    return storage.get_family(ui.db(), family_id)


def _steps_of(family_id: int) -> int:
    rows = ui.all_families()  # the admin's erasure tool: every team (guarded by ERASURE)
    match = rows.loc[rows["id"] == family_id, "steps"]
    return int(match.iloc[0]) if len(match) else 0


def one_family_section() -> None:
    st.header(t("audit.page.one_heading"))
    new_code = st.session_state.pop(NEW_CODE, None)
    if new_code:
        st.success(t("audit.page.anonymised_done", code=new_code), icon=":material/check:")
    family = _lookup()
    if family is None or family.id is None:
        return
    _family_card(family, _steps_of(family.id))
    safety_copies_panel.family_notice(family.code)
    how = st.radio(
        t("audit.page.how"),
        [ANONYMISE, ERASE],
        format_func=lambda choice: t(f"audit.page.how_{choice}"),
        horizontal=True,
        key=KEY + "how",
    )
    st.markdown(erasure.erase_explained() if how == ERASE else erasure.anonymise_explained())
    typed = st.text_input(
        t("audit.page.confirm", code=family.code), key=KEY + f"confirm_{family.id}"
    )
    label = t("audit.page.erase_button" if how == ERASE else "audit.page.anonymise_button")
    if not st.button(label, type="primary", key=KEY + "go", disabled=not typed.strip()):
        return
    done = t("audit.page.erased_done", code=family.code) if how == ERASE else None
    with ui.saving(done) as attempt:
        if how == ERASE:
            erasure.erase_family(ui.db(), family.id, confirmation=typed)
        else:
            st.session_state[NEW_CODE] = erasure.anonymise_family(
                ui.db(), family.id, confirmation=typed
            )
    if attempt.ok:
        st.session_state.pop(KEY + "code", None)
        st.rerun()


def retention_setting() -> int:
    current = erasure.retention_months(ui.db())
    with st.form(KEY + "retention_form"):
        months = st.number_input(
            t("audit.page.retention_months"),
            min_value=erasure.RETENTION_MIN,
            max_value=erasure.RETENTION_MAX,
            value=current,
            step=1,
            help=t("audit.page.retention_help", default=erasure.RETENTION_DEFAULT),
            key=KEY + "months",
        )
        saved = st.form_submit_button(t("common.save"))
    if saved and int(months) != current:
        with ui.saving(t("audit.page.retention_saved", months=int(months))) as attempt:
            erasure.set_retention_months(ui.db(), int(months))
        if attempt.ok:
            st.rerun()
    return current


def _retention_table(past: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("audit.retention_column.code"): past["code"],
            t("audit.retention_column.team"): past["team"],
            t("audit.retention_column.status"): past["status"],
            t("audit.retention_column.last_change"): pd.to_datetime(past["last_change"]).dt.date,
            t("audit.retention_column.months"): past["months"],
            t("audit.retention_column.synthetic"): past["synthetic"],
        }
    )


def retention_section() -> None:
    st.header(t("audit.page.retention_heading"))
    months = retention_setting()
    past = erasure.families_past_retention(ui.db())
    if past.empty:
        st.success(t("audit.page.retention_none", months=months), icon=":material/check:")
        return
    st.warning(t("audit.page.retention_found", n=len(past), months=months))
    st.dataframe(
        _retention_table(past),
        hide_index=True,
        width="stretch",
        column_config={
            t("audit.retention_column.last_change"): st.column_config.DateColumn(
                format="DD.MM.YYYY"
            )
        },
    )
    codes = past["code"].tolist()
    chosen = st.multiselect(t("audit.page.bulk_pick"), codes, key=KEY + "bulk_codes")
    st.button(
        t("audit.page.bulk_all"),
        key=KEY + "bulk_all_button",
        on_click=guard.guarded(lambda: st.session_state.update({KEY + "bulk_codes": codes})),
    )
    if not chosen:
        return
    how = st.radio(
        t("audit.page.how"),
        [ANONYMISE, ERASE],
        format_func=lambda choice: t(f"audit.page.how_{choice}"),
        horizontal=True,
        key=KEY + "bulk_how",
    )
    safety_copies_panel.bulk_notice()
    word = t(f"audit.page.bulk_word_{how}")
    typed = st.text_input(
        t("audit.page.bulk_confirm", n=len(chosen), word=word), key=KEY + "bulk_confirm"
    )
    if st.button(t(f"audit.page.bulk_{how}_button", n=len(chosen)), type="primary",
                 key=KEY + "bulk_go"):  # fmt: skip
        _bulk(how, past.loc[past["code"].isin(chosen), "id"].tolist(), typed, word)


def _bulk(how: str, family_ids: list[int], typed: str, word: str) -> None:
    if typed.strip().upper() != word.upper():
        ui.show_errors([t("audit.page.bulk_mismatch", word=word)])
        return
    action = erasure.erase_many if how == ERASE else erasure.anonymise_many
    with ui.saving(t(f"audit.page.bulk_{how}_done", n=len(family_ids))) as attempt:
        action(ui.db(), family_ids)
    if attempt.ok:
        for key in ("bulk_codes", "bulk_confirm"):
            st.session_state.pop(KEY + key, None)
        st.rerun()


def main() -> None:
    guard.require(Permission.ERASURE)
    ui.show_flash()
    st.title(t("nav.privacy"))
    st.caption(t("audit.page.privacy_intro"))
    one, retention = st.tabs([t("audit.page.tab_one"), t("audit.page.tab_retention")])
    with one:
        one_family_section()
    with retention:
        retention_section()


main()
