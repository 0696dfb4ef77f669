"""Benutzer: accounts, roles, teams, demo data and the sign-in rules (administrators only).

An administrator creates accounts for coaches and the committee, decides who sees
health tags, deactivates accounts, resets passwords and lifts lock-outs. Every change is
written to the audit log under the administrator's name.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import formats, storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.accounts import AccessSettings
from journeys.models.permissions import Permission, User, UserRole
from journeys.storage.access import Account
from pages.admin_parts import teams_admin
from pages.session import guard
from pages.shared import fresh_form, ui

ACCOUNT_ROLES = [role for role in UserRole if role is not UserRole.GAST]


def _audit(action: str, username: str, detail: str, object_type: str | None = None) -> None:
    """Log an account change under the object type "Benutzerkonto" (or ``object_type``)."""
    kind = object_type or storage.audit.BENUTZER
    storage.audit.record(ui.db(), action, kind, username, detail=detail)


def _roles_label(roles: list[UserRole]) -> str:
    return ", ".join(role.label for role in roles) or t("access.no_role")


def _yes_no(value: bool) -> str:
    return t("common.yes") if value else t("common.no")


def _state(account: Account) -> str:
    if not account.user.active:
        return t("access.users.state_inactive")
    if account.user.id is not None and storage.access.is_locked(ui.db(), account.user.id):
        return t("access.users.state_locked")
    if not account.has_password:
        return t("access.users.state_sso")
    return t("access.users.state_ok")


def account_table(accounts_list: list[Account]) -> pd.DataFrame:
    """The account list as the table shows it (no password hashes, of course)."""
    return pd.DataFrame(
        {
            t("access.users.col_username"): [a.user.username for a in accounts_list],
            t("access.users.col_display_name"): [a.user.display_name for a in accounts_list],
            t("access.users.col_roles"): [_roles_label(a.user.roles) for a in accounts_list],
            t("access.users.col_teams"): [", ".join(a.user.teams) for a in accounts_list],
            t("access.users.col_health"): [_yes_no(a.user.sees_health) for a in accounts_list],
            t("access.users.col_state"): [_state(a) for a in accounts_list],
            t("access.users.col_last_login"): [
                formats.day_and_time(a.last_login_at) for a in accounts_list
            ],
        }
    )


def _role_select(key: str, default: list[UserRole]) -> list[UserRole]:
    return st.multiselect(
        t("access.users.roles"),
        ACCOUNT_ROLES,
        default=default,
        format_func=lambda role: role.label,
        key=key,
    )


def _team_select(key: str, default: list[str]) -> list[str]:
    options = sorted(set(storage.access.known_teams(ui.db())) | set(default), key=str.casefold)
    return st.multiselect(
        t("access.users.teams"),
        options,
        default=default,
        accept_new_options=True,
        help=t("access.users.teams_help"),
        key=key,
    )


def new_account_form() -> None:
    """Create an account; without a password it can sign in by single sign-on only."""
    new = fresh_form.prefix("users_new")  # new keys after each account: an empty form
    with st.form("users_new", clear_on_submit=False):
        username = st.text_input(t("access.username"), key=f"{new}_username")
        display_name = st.text_input(t("access.display_name"), key=f"{new}_display")
        roles = _role_select(f"{new}_roles", [])  # no role given unasked (least privilege)
        teams = _team_select(f"{new}_teams", [])
        sees_health = st.checkbox(
            t("access.users.sees_health"),
            key=f"{new}_health",
            help=t("access.users.sees_health_help"),
        )
        sso_only = st.checkbox(
            t("access.users.sso_only"),
            key=f"{new}_sso_only",
            help=t("access.users.no_password_hint"),
        )
        password = st.text_input(t("access.password"), type="password", key=f"{new}_pw")
        repeated = st.text_input(t("access.password_again"), type="password", key=f"{new}_pw2")
        st.caption(t("access.password_rules", n=accounts.MIN_PASSWORD_LENGTH))
        submitted = st.form_submit_button(t("access.users.create"), type="primary")
    if not submitted:
        return
    with ui.saving(t("access.users.created", username=username.strip())) as attempt:
        if not roles:
            raise InputError(t("access.users.roles_missing"))
        if not sso_only:
            accounts.check_password(password, username, repeated)
        user = storage.access.create_user(
            ui.db(),
            username,
            None if sso_only else password,
            roles,
            display_name=display_name,
            teams=teams,
            sees_health=sees_health,
        )
        _audit(
            storage.audit.ANLAGE,
            user.username,
            t(
                "signin.audit_user_created",
                roles=_roles_label(user.roles),
                teams=", ".join(user.teams) or "–",
                health=_yes_no(user.sees_health),
            ),
        )
    if attempt.ok:
        # Empty form for the next account: roles and teams must not carry over to it.
        fresh_form.renew("users_new")
        st.rerun()


def edit_account(account: Account, me: User) -> None:
    """Roles, teams, health visibility and active flag of one account."""
    user = account.user
    assert user.id is not None
    prefix = f"users_edit_{user.id}_"
    if user.id == me.id:
        st.caption(t("access.users.self_hint"))
    with st.form(f"users_edit_{user.id}"):
        display_name = st.text_input(
            t("access.display_name"), value=user.display_name, key=prefix + "display"
        )
        roles = _role_select(prefix + "roles", list(user.roles))
        teams = _team_select(prefix + "teams", list(user.teams))
        sees_health = st.checkbox(
            t("access.users.sees_health"),
            value=user.sees_health,
            key=prefix + "health",
            help=t("access.users.sees_health_help"),
        )
        active = st.checkbox(t("access.users.active"), value=user.active, key=prefix + "active")
        submitted = st.form_submit_button(t("access.users.save"), type="primary")
    if submitted:
        with ui.saving(t("access.users.saved")) as attempt:
            changed = storage.access.update_user(
                ui.db(),
                user.id,
                roles=roles,
                teams=teams,
                sees_health=sees_health,
                active=active,
                display_name=display_name,
            )
            _audit(
                storage.audit.AENDERUNG,
                changed.username,
                t(
                    "access.audit_user_changed",
                    roles=_roles_label(changed.roles),
                    teams=", ".join(changed.teams) or "–",
                    health=_yes_no(changed.sees_health),
                    active=_yes_no(changed.active),
                ),
            )
        if attempt.ok:
            st.rerun()
    _unlock(account)
    _reset_password(account)


def _unlock(account: Account) -> None:
    user_id = account.user.id
    assert user_id is not None
    if not storage.access.is_locked(ui.db(), user_id):
        return
    st.warning(t("access.users.locked_info"), icon=":material/lock:")
    if st.button(t("access.users.unlock"), key=f"users_unlock_{user_id}"):
        with ui.saving(t("access.users.unlocked")) as attempt:
            storage.access.unlock(ui.db(), user_id)
            _audit(storage.audit.AENDERUNG, account.user.username, t("signin.audit_unlocked"))
        if attempt.ok:
            st.rerun()


def _reset_password(account: Account) -> None:
    user_id = account.user.id
    assert user_id is not None
    st.header(t("access.users.reset_heading"))
    with st.form(f"users_reset_{user_id}", clear_on_submit=True):
        password = st.text_input(t("access.password"), type="password", key=f"users_pw_{user_id}")
        repeated = st.text_input(
            t("access.password_again"), type="password", key=f"users_pw2_{user_id}"
        )
        submitted = st.form_submit_button(t("access.users.reset"))
    if not submitted:
        return
    with ui.saving(t("access.users.reset_done")) as attempt:
        storage.access.set_password(ui.db(), user_id, password, repeated=repeated)
        _audit(storage.audit.AENDERUNG, account.user.username, t("access.audit_password_reset"))
    if attempt.ok:
        st.rerun()


def settings_form() -> None:
    """Idle timeout, longest session and lock-out: the rules every sign-in follows."""
    db = ui.db()
    current = storage.access.get_settings(db)
    st.caption(t("access.users.sessions_open", n=storage.access.active_sessions(db)))
    bounds = {name: field.metadata for name, field in AccessSettings.model_fields.items()}
    values: dict[str, int] = {}
    with st.form("users_settings"):
        for name in AccessSettings.model_fields:
            low = next(m.ge for m in bounds[name] if hasattr(m, "ge"))
            high = next(m.le for m in bounds[name] if hasattr(m, "le"))
            values[name] = int(
                st.number_input(
                    t(f"access.users.{name}"),
                    min_value=low,
                    max_value=high,
                    value=getattr(current, name),
                    step=1,
                    key=f"users_setting_{name}",
                )
            )
        submitted = st.form_submit_button(t("access.users.settings_save"))
    if submitted:
        with ui.saving(t("access.users.settings_saved")) as attempt:
            storage.access.save_settings(db, AccessSettings(**values))
            _audit(
                storage.audit.AENDERUNG,
                "anmeldung",
                t("access.audit_settings"),
                storage.audit.EINSTELLUNG,
            )
        if attempt.ok:
            st.rerun()


def main() -> None:
    me = guard.require(Permission.USERS)
    ui.show_flash()
    st.title(t("access.users.title"))
    st.caption(t("access.users.intro"))
    accounts_list = storage.access.list_users(ui.db())
    if accounts_list:
        st.dataframe(account_table(accounts_list), hide_index=True, key="users_table")
    else:
        st.info(t("access.users.none"))
    tab_edit, tab_new, tab_teams, tab_rules = st.tabs(
        [
            t("access.users.edit_heading"),
            t("access.users.new_heading"),
            t("teams.tab"),
            t("access.users.settings_heading"),
        ]
    )
    with tab_edit:
        by_id = {a.user.id: a for a in accounts_list}
        picked = st.selectbox(
            t("access.users.pick"),
            list(by_id),
            format_func=lambda uid: by_id[uid].user.username,
            key="users_pick",
        )
        if picked is not None:
            edit_account(by_id[picked], me)
    with tab_new:
        new_account_form()
    with tab_teams:
        teams_admin.teams_tab()  # pages/admin_parts/teams_admin.py: teams and the demo data
    with tab_rules:
        settings_form()


main()
