"""Storage of workshops: join codes, participants, items, votes, ranking, and what happens
when many people add and vote at the same moment."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlite_utils import Database
from workshop_support import VOTE_BARRIERS, participant_process, seed_family

from journeys import storage
from journeys.errors import InputError, InUseError, NotFoundError
from journeys.i18n import t
from journeys.models import CODE_ALPHABET, Family, Journey, Role, Service
from journeys.workshops.walkthrough import ItemKind, Workshop, WorkshopItem, WorkshopStatus

ws = storage.workshops


@pytest.fixture
def workshop(db: Database, case: tuple[Family, Journey]) -> Workshop:
    return ws.create_workshop(db, "Perspektivwechsel Januar", case[1].id, created_by="coach1")


def observe(
    db: Database, workshop: Workshop, step_id: int, key: str, participant: int | None = None
) -> WorkshopItem:
    return ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            participant_id=participant,
            step_id=step_id,
            kind=ItemKind.BEOBACHTUNG,
            barrier_key=key,
        ),
    )


# ---------------------------------------------------------------- workshops and codes


def test_a_new_workshop_is_open_at_the_first_step_with_a_readable_code(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    stored = ws.get_workshop(db, workshop.id)
    assert stored == workshop
    assert stored.status is WorkshopStatus.OFFEN and stored.position == 0
    assert stored.journey_id == case[1].id and stored.created_by == "coach1"
    assert len(stored.join_code) == 6 and set(stored.join_code) <= set(CODE_ALPHABET)
    assert stored.votes_per_participant == 3 and stored.created_at is not None


def test_the_list_shows_the_newest_workshop_first(
    db: Database, case: tuple[Family, Journey]
) -> None:
    first = ws.create_workshop(db, "Erster", case[1].id)
    second = ws.create_workshop(db, "Zweiter", case[1].id)
    assert [w.id for w in ws.list_workshops(db)] == [second.id, first.id]


def test_a_journey_without_steps_cannot_host_a_workshop(
    db: Database, case: tuple[Family, Journey]
) -> None:
    empty = storage.save_journey(db, Journey(family_id=case[0].id, title="leer"))
    with pytest.raises(InputError, match="keine Schritte"):
        ws.create_workshop(db, "Leer", empty.id)
    with pytest.raises(NotFoundError):
        ws.create_workshop(db, "Weg", 9999)
    assert ws.list_workshops(db) == []


def test_an_empty_title_is_refused(db: Database, case: tuple[Family, Journey]) -> None:
    with pytest.raises(ValidationError):
        ws.create_workshop(db, "  ", case[1].id)


def test_participants_find_the_open_workshop_however_they_type_the_code(
    db: Database, workshop: Workshop
) -> None:
    code = workshop.join_code
    typed = f" {code[:3].lower()} -{code[3:].lower()} "
    assert ws.find_open_workshop(db, typed) == workshop
    assert ws.find_open_workshop(db, "") is None
    assert ws.find_open_workshop(db, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY") is None
    ws.close_workshop(db, workshop.id)
    assert ws.find_open_workshop(db, code) is None


def test_join_codes_are_unique_among_open_workshops_only(
    db: Database, case: tuple[Family, Journey], monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter(["AAAAAA", "AAAAAA", "BBBBBB", "AAAAAA", "CCCCCC"])
    monkeypatch.setattr(ws, "new_join_code", lambda: next(draws))
    first = ws.create_workshop(db, "Eins", case[1].id)
    second = ws.create_workshop(db, "Zwei", case[1].id)
    assert (first.join_code, second.join_code) == ("AAAAAA", "BBBBBB")
    ws.close_workshop(db, first.id)
    third = ws.create_workshop(db, "Drei", case[1].id)
    assert third.join_code == "AAAAAA", "a closed workshop's code comes round again"
    reopened = ws.reopen_workshop(db, first.id)
    assert reopened.is_open and reopened.join_code == "CCCCCC"
    assert ws.find_open_workshop(db, "AAAAAA") == third


def test_the_database_itself_refuses_two_open_workshops_with_one_code(
    db: Database, workshop: Workshop
) -> None:
    row = db.execute("SELECT * FROM workshops WHERE id = ?", [workshop.id]).fetchone()
    columns = [c[1] for c in db.execute("PRAGMA table_info(workshops)").fetchall()]
    copy = dict(zip(columns, row, strict=True))
    copy.pop("id")
    with pytest.raises(sqlite3.IntegrityError):
        db["workshops"].insert(copy)


def test_the_position_stays_within_the_journey(db: Database, workshop: Workshop) -> None:
    assert ws.set_position(db, workshop.id, 2).position == 2
    assert ws.set_position(db, workshop.id, 99).position == 2
    assert ws.set_position(db, workshop.id, -4).position == 0


def test_close_and_reopen(db: Database, workshop: Workshop) -> None:
    closed = ws.close_workshop(db, workshop.id)
    assert closed.status is WorkshopStatus.ABGESCHLOSSEN and closed.closed_at is not None
    assert ws.find_open_workshop(db, workshop.join_code) is None, "the code ended with it"
    reopened = ws.reopen_workshop(db, workshop.id)
    assert reopened.is_open and reopened.closed_at is None
    # Reopened with a new code: the old one stays expired.
    assert reopened.join_code != workshop.join_code
    assert ws.find_open_workshop(db, workshop.join_code) is None
    assert ws.find_open_workshop(db, reopened.join_code) == reopened


def test_the_audit_trail_names_the_family_not_the_title(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    ws.close_workshop(db, workshop.id)
    ws.close_workshop(db, workshop.id)  # already closed: nothing happens, nothing logged
    ws.reopen_workshop(db, workshop.id)
    ws.delete_workshop(db, workshop.id)
    rows = db.execute(
        "SELECT action, object_id, detail FROM audit_log WHERE object_type = 'workshop' ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == ["anlage", "aenderung", "aenderung", "loeschung"]
    assert {r[1] for r in rows} == {str(workshop.id)}
    assert all(case[0].code in r[2] and workshop.title not in r[2] for r in rows)


# ---------------------------------------------------------------- participants


def test_joining_gives_a_secret_token_that_finds_the_participant(
    db: Database, workshop: Workshop
) -> None:
    kita = ws.join(db, workshop.id, "  Gruppe   Kita ")
    jc = ws.join(db, workshop.id, "Jobcenter")
    assert kita.label == "Gruppe Kita" and kita.token != jc.token and len(kita.token) >= 16
    assert ws.participant_by_token(db, kita.token) == kita
    assert ws.participant_by_token(db, "falsch") is None
    assert ws.participant_by_token(db, "") is None
    assert [p.label for p in ws.list_participants(db, workshop.id)] == ["Gruppe Kita", "Jobcenter"]


@pytest.mark.parametrize(("label", "message"), [("   ", "Namen"), ("x" * 41, "höchstens 40")])
def test_a_label_must_be_given_and_short(
    db: Database, workshop: Workshop, label: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ws.join(db, workshop.id, label)


def test_nobody_joins_a_closed_workshop(db: Database, workshop: Workshop) -> None:
    ws.close_workshop(db, workshop.id)
    with pytest.raises(InputError, match="abgeschlossen"):
        ws.join(db, workshop.id, "Spät")
    assert ws.list_participants(db, workshop.id) == []


# ---------------------------------------------------------------- items


def test_items_round_trip_in_the_order_they_were_added(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    steps = case[1].steps
    group = ws.join(db, workshop.id, "Gruppe Schule")
    first = observe(db, workshop, steps[2].id, "familie.kinderbetreuung", group.id)
    idea = ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            participant_id=group.id,
            step_id=steps[0].id,
            kind=ItemKind.IDEE,
            text="Brief in einfacher Sprache",
            member_role=Role.MUTTER,
        ),
    )
    measure = ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            step_id=steps[2].id,
            kind=ItemKind.MASSNAHME,
            barrier_key="familie.kinderbetreuung",
            text="Kinderbetreuung während der Termine",
            responsible_text="Kita-Koordination",
            due_month="2027-03",
            agreed=True,
        ),
    )
    assert ws.list_items(db, workshop.id) == [first, idea, measure]
    assert ws.list_items(db, workshop.id, step_id=steps[2].id) == [first, measure]
    assert ws.get_item(db, idea.id).member_role is Role.MUTTER
    assert measure.agreed and measure.due_month == "2027-03" and measure.created_at is not None


def test_an_item_must_fit_the_workshop(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    _other_family, other_journey = seed_family(db)
    other = ws.create_workshop(db, "Anderer", other_journey.id)
    stranger = ws.join(db, other.id, "Fremd")
    step = case[1].steps[0].id
    with pytest.raises(NotFoundError, match="gehört nicht zur Reise"):
        observe(db, workshop, other_journey.steps[0].id, "sprache.deutsch")
    with pytest.raises(NotFoundError, match="Teilnahme"):
        observe(db, workshop, step, "sprache.deutsch", stranger.id)
    with pytest.raises(NotFoundError, match="gibt es nicht in der Taxonomie"):
        observe(db, workshop, step, "sprache.klingonisch")
    storage.set_barrier_retired(db, "sprache.ausdruck")
    with pytest.raises(InputError, match="stillgelegt"):
        observe(db, workshop, step, "sprache.ausdruck")
    with pytest.raises(ValidationError, match="braucht eine Barriere"):
        WorkshopItem(workshop_id=workshop.id, step_id=step, kind=ItemKind.BEOBACHTUNG)
    with pytest.raises(ValidationError, match="ein paar Worten"):
        WorkshopItem(workshop_id=workshop.id, step_id=step, kind=ItemKind.IDEE, text="  ")
    assert ws.list_items(db, workshop.id) == []


def test_a_participant_cannot_agree_a_measure_only_the_facilitator_can(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    group = ws.join(db, workshop.id, "Gruppe")
    measure = ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            participant_id=group.id,
            step_id=case[1].steps[0].id,
            kind=ItemKind.MASSNAHME,
            text="Lotsendienst",
            responsible_text="Quartiersbüro",
            agreed=True,
        ),
    )
    assert not measure.agreed
    assert ws.set_agreed(db, measure.id, True).agreed


def test_an_agreed_measure_names_who_is_responsible(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    measure = ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            step_id=case[1].steps[1].id,
            kind=ItemKind.MASSNAHME,
            text="Papierantrag anbieten",
        ),
    )
    with pytest.raises(InputError, match="verantwortliche Stelle"):
        ws.set_agreed(db, measure.id, True)
    service = storage.list_services(db)[0]
    changed = ws.update_measure(
        db,
        measure.model_copy(
            update={"responsible_service_id": service.id, "due_month": "2027-06", "agreed": True}
        ),
    )
    assert changed.agreed and changed.responsible_service_id == service.id
    assert ws.set_agreed(db, measure.id, False).agreed is False
    idea = ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id, step_id=case[1].steps[1].id, kind=ItemKind.IDEE, text="Idee"
        ),
    )
    with pytest.raises(InputError, match="Nur eine Maßnahme"):
        ws.set_agreed(db, idea.id, True)


def test_participants_delete_only_their_own_items(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    a, b = ws.join(db, workshop.id, "A"), ws.join(db, workshop.id, "B")
    item = observe(db, workshop, case[1].steps[0].id, "sprache.deutsch", a.id)
    with pytest.raises(InputError, match="eigenen"):
        ws.delete_item(db, item.id, participant_id=b.id)
    ws.delete_item(db, item.id, participant_id=a.id)
    assert ws.list_items(db, workshop.id) == []
    with pytest.raises(NotFoundError):
        ws.delete_item(db, item.id)


def test_a_closed_workshop_takes_no_more_items_or_votes(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    group = ws.join(db, workshop.id, "Gruppe")
    item = observe(db, workshop, case[1].steps[0].id, "sprache.deutsch", group.id)
    ws.close_workshop(db, workshop.id)
    with pytest.raises(InputError, match="abgeschlossen"):
        observe(db, workshop, case[1].steps[0].id, "sprache.dolmetschung", group.id)
    with pytest.raises(InputError, match="abgeschlossen"):
        ws.cast_vote(db, group.id, "sprache.deutsch")
    with pytest.raises(InputError, match="abgeschlossen"):
        ws.delete_item(db, item.id)
    assert ws.list_items(db, workshop.id) == [item]


def test_every_write_moves_the_data_version_on_so_the_presenter_refreshes(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    before = storage.data_version(db)
    group = ws.join(db, workshop.id, "Gruppe")
    observe(db, workshop, case[1].steps[0].id, "sprache.deutsch", group.id)
    ws.cast_vote(db, group.id, "sprache.deutsch")
    ws.set_position(db, workshop.id, 1)
    assert storage.data_version(db) == before + 4


# ---------------------------------------------------------------- votes and ranking


def test_each_participant_has_a_limited_number_of_dots(
    db: Database, case: tuple[Family, Journey]
) -> None:
    workshop = ws.create_workshop(db, "Punkte", case[1].id, votes_per_participant=2)
    group = ws.join(db, workshop.id, "Gruppe")
    for key in ("sprache.deutsch", "information.rechte", "vertrauen.scham"):
        observe(db, workshop, case[1].steps[0].id, key)
    ws.cast_vote(db, group.id, "sprache.deutsch")
    ws.cast_vote(db, group.id, "sprache.deutsch")  # one dot per barrier: no second one
    ws.cast_vote(db, group.id, "information.rechte")
    with pytest.raises(InputError) as refused:
        ws.cast_vote(db, group.id, "vertrauen.scham")
    assert str(refused.value) == t("workshop.vote_limit", limit=2)
    assert ws.votes_of(db, group.id) == ["sprache.deutsch", "information.rechte"]
    ws.withdraw_vote(db, group.id, "sprache.deutsch")
    ws.cast_vote(db, group.id, "vertrauen.scham")
    assert ws.votes_of(db, group.id) == ["information.rechte", "vertrauen.scham"]
    assert ws.vote_count(db, workshop.id) == 2


def test_dots_go_only_to_barriers_found_in_the_workshop(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    group = ws.join(db, workshop.id, "Gruppe")
    with pytest.raises(InputError, match="Rangliste"):
        ws.cast_vote(db, group.id, "gesundheit.sucht")
    with pytest.raises(InputError, match="Rangliste"):
        ws.cast_vote(db, group.id, "existenz.schulden")  # removed on the journey: not found
    ws.cast_vote(db, group.id, "sprache.behoerdendeutsch")  # an open tag of the journey
    with pytest.raises(NotFoundError):
        ws.cast_vote(db, 9999, "sprache.behoerdendeutsch")
    assert ws.votes_of(db, group.id) == ["sprache.behoerdendeutsch"]


def test_the_ranking_puts_votes_first_then_spread_then_taxonomy_order(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    s1, s2, s3 = (s.id for s in case[1].steps)
    a, b = ws.join(db, workshop.id, "A"), ws.join(db, workshop.id, "B")
    observe(db, workshop, s3, "familie.kinderbetreuung", a.id)
    observe(db, workshop, s3, "familie.kinderbetreuung", b.id)
    observe(db, workshop, s1, "erreichbarkeit.mobilitaet", a.id)
    observe(db, workshop, s3, "erreichbarkeit.mobilitaet", a.id)
    observe(db, workshop, s2, "sprache.deutsch", b.id)
    for participant in (a, b):
        ws.cast_vote(db, participant.id, "familie.kinderbetreuung")
    ws.cast_vote(db, a.id, "digital.nur_online")
    ranked = ws.ranking(db, workshop.id)
    assert [r.barrier_key for r in ranked] == [
        "familie.kinderbetreuung",  # 2 votes
        "digital.nur_online",  # 1 vote
        "erreichbarkeit.mobilitaet",  # no vote, found at two steps
        "sprache.deutsch",  # one step each, no vote: the taxonomy's order
        "sprache.behoerdendeutsch",
    ]
    first = ranked[0]
    assert (first.votes, first.voters, first.observations, first.steps) == (2, 2, 2, [s3])
    assert ranked[2].steps == [s1, s3] and not ranked[2].on_journey
    assert ranked[1].on_journey and ranked[1].observations == 0
    assert "existenz.schulden" not in {r.barrier_key for r in ranked}


def test_a_dot_stays_visible_when_the_observation_behind_it_is_deleted(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    group = ws.join(db, workshop.id, "Gruppe")
    item = observe(db, workshop, case[1].steps[2].id, "familie.pflege", group.id)
    ws.cast_vote(db, group.id, "familie.pflege")
    ws.delete_item(db, item.id)
    [entry] = [r for r in ws.ranking(db, workshop.id) if r.barrier_key == "familie.pflege"]
    assert (entry.votes, entry.observations, entry.steps) == (1, 0, [])
    ws.withdraw_vote(db, group.id, "familie.pflege")
    assert "familie.pflege" not in {r.barrier_key for r in ws.ranking(db, workshop.id)}


# ---------------------------------------------------------------- deleting


def test_deleting_the_family_leaves_no_workshop_rows_behind(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    group = ws.join(db, workshop.id, "Gruppe")
    observe(db, workshop, case[1].steps[0].id, "sprache.deutsch", group.id)
    ws.cast_vote(db, group.id, "sprache.deutsch")
    with storage.write(db):
        db.execute("DELETE FROM families WHERE id = ?", [case[0].id])
    for table in ("workshops", "workshop_participants", "workshop_items", "workshop_votes"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_a_soll_journey_deletes_its_workshop(
    db: Database, case: tuple[Family, Journey]
) -> None:
    soll = storage.copy_journey_to_soll(db, case[1].id)
    workshop = ws.create_workshop(db, "Soll-Runde", soll.id)
    group = ws.join(db, workshop.id, "Gruppe")
    observe(db, workshop, soll.steps[0].id, "sprache.deutsch", group.id)
    storage.delete_soll_journey(db, soll.id)
    with pytest.raises(NotFoundError):
        ws.get_workshop(db, workshop.id)
    assert ws.participant_by_token(db, group.token) is None
    assert db.execute("SELECT COUNT(*) FROM workshop_items").fetchone()[0] == 0


def test_deleting_a_step_deletes_what_was_added_at_it(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    kept = observe(db, workshop, case[1].steps[0].id, "sprache.deutsch")
    observe(db, workshop, case[1].steps[2].id, "familie.kinderbetreuung")
    storage.delete_step(db, case[1].steps[2].id)
    assert ws.list_items(db, workshop.id) == [kept]
    assert ws.set_position(db, workshop.id, 5).position == 1


def test_deleting_a_workshop_keeps_the_journey(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    observe(db, workshop, case[1].steps[0].id, "sprache.deutsch")
    ws.delete_workshop(db, workshop.id)
    with pytest.raises(NotFoundError):
        ws.get_workshop(db, workshop.id)
    assert db.execute("SELECT COUNT(*) FROM workshop_items").fetchone()[0] == 0
    assert storage.get_journey(db, case[1].id) == case[1]


def test_a_service_or_barrier_named_in_a_workshop_is_not_deleted(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    service = storage.save_service(db, Service(name="Kita-Lotsin", sozialraum="Everswinkel"))
    ws.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id,
            step_id=case[1].steps[2].id,
            kind=ItemKind.MASSNAHME,
            barrier_key="familie.pflege",
            text="Lotsin begleitet",
            responsible_service_id=service.id,
        ),
    )
    with pytest.raises(InUseError):
        storage.delete_service(db, service.id)
    with pytest.raises(InUseError):
        storage.delete_barrier(db, "familie.pflege")


# ---------------------------------------------------------------- at the same moment


def test_many_processes_and_threads_add_and_vote_at_once_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    """Several devices in the room (separate processes, each with several threads) add
    observations and cast votes on one workshop at the same time, against a file
    database: every acknowledged item is stored, every vote counts exactly, and no
    participant ever gets more dots than allowed, not even several devices of one
    participant voting at once."""
    processes, threads, items, limit = 4, 3, 25, 3
    path = tmp_path / "workshop.db"
    db = storage.connect(path)
    _, journey = seed_family(db)
    workshop = ws.create_workshop(db, "Gleichzeitig", journey.id, votes_per_participant=limit)
    for key in VOTE_BARRIERS:  # the facilitator's observations put them on the ranking
        observe(db, workshop, journey.steps[0].id, key)
    shared = [ws.join(db, workshop.id, f"Geteilt {p}").id for p in range(processes)]
    db.conn.close()

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    results = [tmp_path / f"process-{p}.json" for p in range(processes)]
    workers = [
        context.Process(
            target=participant_process,
            args=(str(path), workshop.id, p, threads, items, shared[p], str(results[p]), start),
        )
        for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.wait(timeout=300)  # every process is up: all begin writing together
    began = time.monotonic()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0, f"Teilnehmerprozess endete mit {worker.exitcode}"
    seconds = time.monotonic() - began

    reports = [json.loads(r.read_text(encoding="utf-8")) for r in results]
    own = [p for report in reports for p in report["participants"].values()]
    db = storage.connect(path, load_defaults=False)
    stored_items = ws.list_items(db, workshop.id)
    acknowledged = {i for p in own for i in p["items"]}
    from_participants = {i.id for i in stored_items if i.participant_id is not None}
    assert len(own) == processes * threads
    assert len(acknowledged) == processes * threads * items
    assert from_participants == acknowledged, "every acknowledged item is stored, no other"
    assert len(stored_items) == processes * threads * items + len(VOTE_BARRIERS)

    votes = dict(
        db.execute(
            "SELECT participant_id, COUNT(*) FROM workshop_votes GROUP BY participant_id"
        ).fetchall()
    )
    for p in own:
        assert len(p["votes"]) == limit and p["refused"] == len(VOTE_BARRIERS) - limit
        assert sorted(ws.votes_of(db, p["participant"])) == sorted(p["votes"])
    for p, report in zip(shared, reports, strict=True):
        acked = {key for votes_, _ in report["shared"] for key in votes_}
        assert votes[p] == limit, "several devices of one participant never exceed the limit"
        assert set(ws.votes_of(db, p)) == acked
    total_votes = sum(votes.values())
    assert total_votes == (processes * threads + processes) * limit
    ranked = ws.ranking(db, workshop.id)
    assert sum(r.votes for r in ranked) == total_votes == ws.vote_count(db, workshop.id)
    assert max(votes.values()) <= limit
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(
        f"\n{processes} Prozesse × {threads} Threads × {items} Beobachtungen: "
        f"{len(from_participants)} von {len(acknowledged)} gespeichert; "
        f"{total_votes} Punkte für {len(votes)} Teilnahmen (Grenze {limit}, höchstens "
        f"{max(votes.values())} je Teilnahme, {processes} davon auf je {threads} Geräten "
        f"gleichzeitig); {seconds:.1f} s"
    )


def test_threads_voting_as_one_participant_get_exactly_the_allowed_dots(
    tmp_path: Path,
) -> None:
    """Eight devices of one participant each put a dot on a different barrier at once."""
    path = tmp_path / "votes.db"
    db = storage.connect(path)
    _, journey = seed_family(db)
    workshop = ws.create_workshop(db, "Punkte", journey.id, votes_per_participant=3)
    for key in VOTE_BARRIERS:
        observe(db, workshop, journey.steps[1].id, key)
    participant = ws.join(db, workshop.id, "Ein Gerät zu viel")
    outcomes: list[str] = []
    barrier = threading.Barrier(len(VOTE_BARRIERS))

    def vote(key: str) -> None:
        conn = storage.connect(path, load_defaults=False)
        barrier.wait()
        try:
            ws.cast_vote(conn, participant.id, key)
            outcomes.append("ok")
        except InputError:
            outcomes.append("refused")
        finally:
            conn.conn.close()

    voters = [threading.Thread(target=vote, args=(key,)) for key in VOTE_BARRIERS]
    for voter in voters:
        voter.start()
    for voter in voters:
        voter.join()
    assert outcomes.count("ok") == 3 and outcomes.count("refused") == len(VOTE_BARRIERS) - 3
    assert len(ws.votes_of(db, participant.id)) == 3
    print(f"\n{len(VOTE_BARRIERS)} Geräte einer Teilnahme gleichzeitig: 3 Punkte gespeichert")


def test_next_and_back_move_from_where_the_room_is_now(db: Database, workshop: Workshop) -> None:
    """Another screen moved on meanwhile: "Weiter" goes on from there, never back."""
    ws.set_position(db, workshop.id, 2)  # the projector is at step 3
    assert ws.step_by(db, workshop.id, 1).position == 2  # last step: stays
    assert ws.step_by(db, workshop.id, -1).position == 1
    assert ws.step_by(db, workshop.id, -5).position == 0
