"""Who may open which page: every page of the navigation, for every role, checked on the server.

The role table (``journeys.models.permissions.ROLE_PERMISSIONS``) is the policy; each page file
calls ``guard.require`` (pages/session/guard.py) before it draws anything. For every page that
app.py lists and every role, the page either works or shows the German refusal, exactly
as the table says. A forged session state never raises privileges, a coach of one team
never sees a family of another (list, chooser, export), and health tags stay hidden from
users without health rights. The figures (roles × pages checked) are printed at the end
of the run.
"""

from __future__ import annotations

import ast
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import BarrierTag, ConsentPurpose, Family, Member, Step
from journeys.models.permissions import Permission, User, UserRole, allowed
from tests.support.apptest import TOKEN_KEY, sign_in, use_session

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180
REFUSED = t("guard.refused_title")
SIGNED_OUT = t("guard.signed_out")
HEALTH = "gesundheit.psychisch"
PLAIN = "sprache.deutsch"
FIGURES_ENV = "ZUGANGSATLAS_FIGURES_FILE"


def _pages() -> list[tuple[str, Permission]]:
    """(page file, permission) of every ``PageSpec`` in app.py, read from its source."""
    found = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PageSpec"):
            continue
        args = list(node.args)
        keywords = {k.arg: k.value for k in node.keywords}
        path = args[0] if args else keywords["path"]
        perm = args[4] if len(args) > 4 else keywords["permission"]
        assert isinstance(path, ast.Constant) and isinstance(perm, ast.Attribute)
        found.append((str(path.value), Permission[perm.attr]))
    return found


PAGES = _pages()
ROLES = list(UserRole)


def record_figure(line: str) -> None:
    """Print a figure line and keep it for the summary at the end of the run
    (tests/conftest.py prints the file that ``ZUGANGSATLAS_FIGURES_FILE`` names)."""
    print(line)
    path = os.environ.get(FIGURES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def alerts(at: AppTest) -> str:
    parts = [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def everything(at: AppTest) -> str:
    """All text on screen (Markdown escapes removed), plus every table and select option."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for a in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [x.value for x in (*at.title, *at.header, *at.subheader)]
    parts += [df.value.to_csv() for df in at.dataframe]
    for box in (*at.selectbox, *at.multiselect):
        parts += [str(o) for o in box.options]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def open_page(
    path: str,
    roles: UserRole | list[UserRole],
    *,
    teams: tuple[str, ...] = (demo.DEMO_TEAM,),
    sees_health: bool = True,
    query: dict[str, str] | None = None,
) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)
    if roles == UserRole.GAST:
        use_session(at, join_as_guest(storage.connect(storage.default_db_path())))
    else:
        sign_in(at, roles, teams=teams, sees_health=sees_health)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def join_as_guest(db: Database) -> str:
    """A guest's session token, as the sign-in screen's "Workshop beitreten" opens it: Gast
    is no account, only a participant of a workshop (here one on a demo family's journey)."""
    family_id = int(storage.list_families(db)["id"].iloc[0])
    journey = storage.get_or_create_journey(db, family_id)
    workshop = storage.workshops.create_workshop(db, "Zugang im Test", journey.id)
    return storage.access.join_workshop(db, workshop.join_code, "Gruppe Test")


def refused(at: AppTest) -> bool:
    return REFUSED in alerts(at) or SIGNED_OUT in alerts(at)


# ---------------------------------------------------------------- the matrix


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.seed_demo(db, families=8, seed=5)
    return db


def test_the_navigation_lists_pages_for_every_permission_it_checks() -> None:
    """The scan found the pages (an empty matrix would pass every check below)."""
    assert ("pages/families.py", Permission.CASES) in PAGES
    assert ("pages/settings.py", Permission.SETTINGS) in PAGES
    checked = len(PAGES) * len(ROLES)
    allowed_cells = sum(allowed([r], p) for _, p in PAGES for r in ROLES)
    record_figure(
        f"Zugriff: {len(ROLES)} Rollen × {len(PAGES)} Seiten = {checked} Fälle geprüft "
        f"({allowed_cells} erlaubt, {checked - allowed_cells} verweigert)"
    )
    for role in ROLES:
        row = " ".join(
            f"{Path(path).stem}={'ja' if allowed([role], p) else 'nein'}" for path, p in PAGES
        )
        record_figure(f"Zugriff {role.value:>8}: {row}")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize(("path", "permission"), PAGES, ids=[Path(p).stem for p, _ in PAGES])
def test_each_role_gets_exactly_what_the_role_table_allows(
    demo_db: Database, path: str, permission: Permission, role: UserRole
) -> None:
    at = open_page(path, role)
    assert not at.exception, at.exception
    expected = allowed([role], permission)
    if expected:
        assert not refused(at), f"{role.value} should open {path}: {alerts(at)}"
    else:
        assert REFUSED in alerts(at), f"{role.value} must not open {path}"
        assert t(f"guard.permission.{permission.value}") in alerts(at)
        # Nothing of the page was drawn: the refusal is all there is.
        assert not at.dataframe and not at.tabs


def test_roles_add_up_for_a_team_lead_who_is_admin_and_coach(demo_db: Database) -> None:
    for path in ("pages/settings.py", "pages/families.py"):
        at = open_page(path, [UserRole.ADMIN, UserRole.COACH])
        assert not at.exception and not refused(at), path


# ---------------------------------------------------------------- forged identities


@pytest.mark.parametrize("path", ["pages/settings.py", "pages/families.py", "pages/data.py"])
def test_a_user_object_put_into_session_state_grants_nothing(demo_db: Database, path: str) -> None:
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)
    forged = User(username="mallory", roles=list(UserRole), teams=[demo.DEMO_TEAM])
    for key in ("user", "current_user", "auth_user"):
        at.session_state[key] = forged
    at.session_state["roles"] = [r.value for r in UserRole]
    at.run()
    assert not at.exception
    assert SIGNED_OUT in alerts(at)
    assert not at.dataframe


def test_a_made_up_token_grants_nothing(demo_db: Database) -> None:
    at = AppTest.from_file(str(ROOT / "pages/families.py"), default_timeout=TIMEOUT)
    use_session(at, "ausgedacht-" + "x" * 40)
    at.run()
    assert SIGNED_OUT in alerts(at)
    assert not at.dataframe


def test_a_signed_in_gremium_member_cannot_forge_their_way_to_the_settings(
    demo_db: Database,
) -> None:
    at = AppTest.from_file(str(ROOT / "pages/settings.py"), default_timeout=TIMEOUT)
    sign_in(at, UserRole.GREMIUM)
    at.session_state["user"] = User(username="x", roles=[UserRole.ADMIN])
    at.session_state["roles"] = ["admin"]
    at.run()
    assert REFUSED in alerts(at)


def test_a_deactivated_account_loses_every_page_at_once(demo_db: Database) -> None:
    at = AppTest.from_file(str(ROOT / "pages/families.py"), default_timeout=TIMEOUT)
    user = sign_in(at, UserRole.COACH)
    at.run()
    assert not refused(at)
    demo_db.execute("UPDATE users SET active = 0 WHERE id = ?", [user.id])
    demo_db.conn.commit()
    at.run()
    assert refused(at)
    assert not at.dataframe


# ---------------------------------------------------------------- teams


def add_family(db: Database, team: str) -> Family:
    """A family of ``team`` with one step carrying a language and a health barrier."""
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type="paar_mit_kindern",
            team=team,
            members=[Member(role="mutter", age_band="25-34")],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id)
    tags = [
        BarrierTag(barrier_key=PLAIN, identified_on=date(2025, 3, 1)),
        BarrierTag(barrier_key=HEALTH, identified_on=date(2025, 3, 1)),
    ]
    storage.save_step(
        db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03", tags=tags)
    )
    # Exports hold only families who consented to the purpose (evaluation by default).
    storage.privacy.save_consents(
        db, family.id, {ConsentPurpose.EVALUATION: (True, date(2025, 1, 1))}
    )
    return family


@pytest.fixture
def teams_db(db: Database) -> tuple[Database, Family, Family]:
    return db, add_family(db, "Team A"), add_family(db, "Team B")


def test_a_coach_of_team_a_lists_and_picks_only_team_a(
    teams_db: tuple[Database, Family, Family],
) -> None:
    _, a, b = teams_db
    at = open_page("pages/families.py", UserRole.COACH, teams=("Team A",))
    shown = everything(at)
    assert a.code in shown
    assert b.code not in shown
    for path in ("pages/journey.py", "pages/perspective.py"):
        at = open_page(path, UserRole.COACH, teams=("Team A",))
        assert a.code in everything(at)
        assert b.code not in everything(at)


@pytest.mark.parametrize("path", ["pages/journey.py", "pages/perspective.py"])
def test_a_family_of_another_team_is_unknown_even_by_its_address(
    teams_db: tuple[Database, Family, Family], path: str
) -> None:
    _, _, b = teams_db
    at = open_page(path, UserRole.COACH, teams=("Team A",), query={"familie": b.code})
    assert not at.exception
    namespace = Path(path).stem
    shown = re.sub(r"\\(.)", r"\1", alerts(at))
    assert t(f"{namespace}.unknown_family", code=b.code) in shown
    # Nothing of the family is shown: not its title, not its steps, not its barriers.
    assert not [x for x in at.title if b.code in x.value]
    assert "Deutsch" not in " ".join(m.value for m in at.markdown)


def _prepared_export(at: AppTest, name: str) -> dict[str, bytes]:
    at.button(key=f"data_export_{name}_prepare").click()
    at.run()
    assert not at.exception, at.exception
    return at.session_state[f"data_export_{name}"][1]


def test_a_coach_exports_only_own_families_and_no_health_tags(
    teams_db: tuple[Database, Family, Family],
) -> None:
    db, a, b = teams_db
    archetype = add_family(db, storage.ARCHETYPE_TEAM)
    at = open_page("pages/data.py", UserRole.COACH, teams=("Team A",), sees_health=False)
    at.radio(key="data_export_scope").set_value("selected")
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="data_export_codes").options == [a.code], alerts(at)
    at.radio(key="data_export_scope").set_value("all")
    at.run()
    files = _prepared_export(at, "json")
    dataset = json.loads(files["json"])
    assert [entry["family"]["code"] for entry in dataset["families"]] == [a.code]
    tagged = {
        tag["barrier_key"]
        for entry in dataset["families"]
        for journey in entry["journeys"]
        for step in journey["steps"]
        for tag in step["tags"]
    }
    assert tagged == {PLAIN}  # the health tag stays home; the taxonomy itself is reference data
    log = _prepared_export(at, "eventlog")
    for data in log.values():
        text = data.decode("utf-8-sig")
        assert a.code in text
        assert b.code not in text and archetype.code not in text
        assert "gesundheit" not in text


# ---------------------------------------------------------------- health tags


def _health_label(db: Database) -> str:
    return storage.get_taxonomy(db).barrier(HEALTH).label


@pytest.mark.parametrize("path", ["pages/journey.py", "pages/perspective.py"])
def test_health_tags_show_only_with_health_rights(
    teams_db: tuple[Database, Family, Family], path: str
) -> None:
    db, a, _ = teams_db
    label = _health_label(db)
    plain = storage.get_taxonomy(db).barrier(PLAIN).label
    hidden = open_page(path, UserRole.COACH, teams=("Team A",), sees_health=False,
                       query={"familie": a.code})  # fmt: skip
    assert not hidden.exception, hidden.exception
    assert plain in everything(hidden)
    assert label not in everything(hidden)
    shown = open_page(path, UserRole.COACH, teams=("Team A",), sees_health=True,
                      query={"familie": a.code})  # fmt: skip
    assert not shown.exception, shown.exception
    assert label in everything(shown)


def test_saving_a_step_without_health_rights_keeps_the_hidden_health_tag(
    teams_db: tuple[Database, Family, Family],
) -> None:
    """The hidden tag is not the user's to drop: the journey page saves around it."""
    db, a, _ = teams_db
    at = open_page("pages/journey.py", UserRole.COACH, teams=("Team A",), sees_health=False,
                   query={"familie": a.code})  # fmt: skip
    step = storage.get_or_create_journey(db, a.id).steps[0]
    at.button(key=f"journey_edit_{step.id}").click()
    at.run()
    at.text_area(key=f"jse_{step.id}_sees").input("Ein neues Formular")
    at.button(key=f"jse_{step.id}_save").click()
    at.run()
    assert not at.exception, at.exception
    saved = storage.get_or_create_journey(db, a.id).steps[0]
    assert saved.sees == "Ein neues Formular"
    assert {tag.barrier_key for tag in saved.tags} == {PLAIN, HEALTH}


# ---------------------------------------------------------------- analysis


def _health_families_db(db: Database, n: int = 6) -> Database:
    for _ in range(n):
        add_family(db, "Team A")
    return db


def test_an_analyst_sees_true_counts_but_no_case_code_and_no_details(db: Database) -> None:
    _health_families_db(db)
    codes = set(storage.list_families(db)["code"])
    at = open_page("pages/analysis.py", UserRole.ANALYST, teams=())
    assert not at.exception, at.exception
    metric = next(m for m in at.metric if m.label == t("analysis.metric.families"))
    assert metric.value == "6"  # true counts: no suppression for the analyst
    assert t("guard.no_drill") in [c.value for c in at.caption]
    assert not [s for s in at.selectbox if s.label == t("analysis.drill.choose")]
    shown = everything(at)
    assert not [code for code in codes if code in shown]


def test_without_health_rights_the_analysis_names_the_category_not_the_health_barrier(
    db: Database,
) -> None:
    _health_families_db(db)
    taxonomy = storage.get_taxonomy(db)
    barrier = taxonomy.barrier(HEALTH).label
    category = taxonomy.category("gesundheit").label
    plain = open_page("pages/analysis.py", UserRole.COACH, teams=("Team A",), sees_health=False)
    assert not plain.exception, plain.exception
    table = plain.dataframe[0].value.to_csv()
    assert barrier not in table
    assert category in table
    full = open_page("pages/analysis.py", UserRole.COACH, teams=("Team A",), sees_health=True)
    assert barrier in full.dataframe[0].value.to_csv()


def test_a_coach_drills_down_only_into_families_of_own_teams(db: Database) -> None:
    a = add_family(db, "Team A")
    b = add_family(db, "Team B")
    at = open_page("pages/analysis.py", UserRole.COACH, teams=("Team A",))
    box = next(s for s in at.selectbox if s.label == t("analysis.drill.choose"))
    box.set_value(PLAIN).run()
    assert not at.exception, at.exception
    shown = everything(at)
    assert a.code in shown
    assert b.code not in shown


# ---------------------------------------------------------------- navigation and workshops


def test_the_app_opens_on_the_first_page_a_role_may_use(demo_db: Database) -> None:
    """A committee member has no family list: the app opens on the report, not a refusal."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, UserRole.GREMIUM)
    at.run()
    assert not at.exception, at.exception
    assert not refused(at), alerts(at)
    assert t("report_page.title") in [x.value for x in at.title]


def test_a_coach_sees_only_workshops_on_own_teams_journeys(
    teams_db: tuple[Database, Family, Family],
) -> None:
    db, a, b = teams_db
    mine = storage.workshops.create_workshop(
        db, "Workshop Team A", storage.get_or_create_journey(db, a.id).id
    )
    theirs = storage.workshops.create_workshop(
        db, "Workshop Team B", storage.get_or_create_journey(db, b.id).id
    )
    at = open_page("pages/workshop.py", UserRole.COACH, teams=("Team A",))
    assert not at.exception, at.exception
    shown = everything(at)
    assert mine.title in shown
    assert theirs.title not in shown
    # Not by its address either: the overview opens instead of the other team's workshop.
    at = open_page(
        "pages/workshop.py", UserRole.COACH, teams=("Team A",), query={"workshop": str(theirs.id)}
    )
    assert not at.exception, at.exception
    assert theirs.title not in everything(at)
    assert theirs.join_code not in everything(at)


# ---------------------------------------------------------------- exports


def test_an_export_is_built_only_while_the_session_still_may_have_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file of a download is made after the page was drawn (Streamlit runs it on its
    own thread): the permission is checked again at that moment, from the database."""
    from pages.session import guard

    user = storage.access.create_user(db, "coach-x", None, [UserRole.COACH], teams=["Team A"])
    token = storage.access.open_session(db, user_id=user.id)
    monkeypatch.setattr(guard.st, "session_state", {TOKEN_KEY: token})
    case_export = guard.export(Permission.CASES_EXPORT, lambda: b"datei")
    settings_export = guard.export(Permission.SETTINGS, lambda: b"datei")
    assert case_export() == b"datei"
    with pytest.raises(guard.ExportRefusedError, match="keine Berechtigung"):
        settings_export()
    storage.access.update_user(db, user.id, roles=[UserRole.GREMIUM])
    with pytest.raises(guard.ExportRefusedError):
        case_export()  # the role was taken away after the button was drawn
    monkeypatch.setattr(guard.st, "session_state", {TOKEN_KEY: "ausgedacht"})
    with pytest.raises(guard.ExportRefusedError):
        guard.export(Permission.REPORT, lambda: b"datei")()


def test_a_workshop_guest_sees_the_step_but_no_health_barrier(
    teams_db: tuple[Database, Family, Family],
) -> None:
    db, a, _ = teams_db
    workshop = storage.workshops.create_workshop(
        db, "Zugang im Test", storage.get_or_create_journey(db, a.id).id
    )
    at = AppTest.from_file(str(ROOT / "pages/workshop_join.py"), default_timeout=TIMEOUT)
    use_session(at, storage.access.join_workshop(db, workshop.join_code, "G1"))
    at.run()
    assert not at.exception, at.exception
    taxonomy = storage.get_taxonomy(db)
    shown = everything(at)
    assert taxonomy.barrier(PLAIN).label in shown
    assert taxonomy.barrier(HEALTH).label not in shown
    assert a.code not in shown


def test_a_guest_lands_in_the_workshop_they_joined_and_nowhere_else(demo_db: Database) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    use_session(at, join_as_guest(demo_db))
    at.run()
    assert not at.exception, at.exception
    assert not refused(at), alerts(at)
    assert "Zugang im Test" in everything(at)  # the workshop's title
    assert not at.dataframe  # no family list, no table of any kind
