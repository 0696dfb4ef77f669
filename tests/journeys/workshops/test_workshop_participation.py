"""One browser, one participant: joining a workshop again resumes, it never adds a voter.

What a facilitator would notice: the room's participant count and the dot ranking. A
device that joins again (reload, sign out and in, QR code scanned twice) must be the
same participant with the dots it has spent; the same label from another device must
neither take those dots over nor appear as a second participant of the same name.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database
from workshop_support import seed_family

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts
from journeys.workshops.walkthrough import Workshop

ws = storage.workshops
take_part = storage.participation.take_part
FIELD = "Name Ihrer Gruppe"
PHONE, LAPTOP = "cookie-of-the-phone", "cookie-of-the-laptop"
BARRIERS = ("sprache.behoerdendeutsch", "digital.nur_online")  # open tags of the journey


@pytest.fixture
def workshop(db: Database) -> Workshop:
    _, journey = seed_family(db)
    return ws.create_workshop(db, "Perspektivwechsel Januar", journey.id)


def room(db: Database, workshop: Workshop) -> tuple[list[str], list[tuple[str, int]]]:
    """What the projector shows: the participants, and the ranking with its dots."""
    labels = [p.label for p in ws.list_participants(db, workshop.id or 0)]
    return labels, [(r.barrier_key, r.votes) for r in ws.ranking(db, workshop.id or 0) if r.votes]


def test_the_same_browser_joining_again_is_the_same_participant_with_its_dots(
    db: Database, workshop: Workshop
) -> None:
    first = take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD)
    assert not first.resumed
    ws.cast_vote(db, first.participant.id, BARRIERS[0])
    ws.cast_vote(db, first.participant.id, BARRIERS[1])
    again = take_part(db, workshop.id, "  gruppe   KITA ", PHONE, field=FIELD)  # as typed
    assert again.resumed
    assert again.participant == first.participant  # the same token: the page acts as it
    assert ws.votes_of(db, again.participant.id) == list(BARRIERS)  # 1 of 3 dots left
    assert room(db, workshop) == (["Gruppe Kita"], [(BARRIERS[0], 1), (BARRIERS[1], 1)])


def test_another_label_from_the_same_browser_is_refused_and_names_the_label_to_type(
    db: Database, workshop: Workshop
) -> None:
    take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD)
    with pytest.raises(InputError) as refused:
        take_part(db, workshop.id, "Tisch 2", PHONE, field=FIELD)
    message = str(refused.value)
    assert message == t("participation.other_label", field=FIELD, label="Gruppe Kita")
    assert message.startswith("Name Ihrer Gruppe: ") and "„Gruppe Kita“" in message
    assert room(db, workshop) == (["Gruppe Kita"], [])


def test_the_same_label_from_another_browser_is_refused_and_takes_no_dots(
    db: Database, workshop: Workshop
) -> None:
    kita = take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD).participant
    ws.cast_vote(db, kita.id, BARRIERS[0])
    with pytest.raises(InputError) as refused:
        take_part(db, workshop.id, "GRUPPE KITA", LAPTOP, field="Bezeichnung")
    message = str(refused.value)
    assert message == t("participation.label_taken", field="Bezeichnung", label="Gruppe Kita")
    assert message.startswith("Bezeichnung: „Gruppe Kita“ nimmt")
    # Nothing changed: one participant, its dot, and the laptop is nobody yet.
    assert room(db, workshop) == (["Gruppe Kita"], [(BARRIERS[0], 1)])
    assert storage.participation.of_browser(db, LAPTOP) == []
    laptop = take_part(db, workshop.id, "Gruppe Kita 2", LAPTOP, field=FIELD)
    assert not laptop.resumed
    assert room(db, workshop)[0] == ["Gruppe Kita", "Gruppe Kita 2"]


def test_a_label_from_before_the_browser_cookie_cannot_be_taken_over(
    db: Database, workshop: Workshop
) -> None:
    old = ws.join(db, workshop.id, "Tisch 1")  # joined without a browser (before m016)
    with pytest.raises(InputError, match="anderen Gerät"):
        take_part(db, workshop.id, "Tisch 1", PHONE, field=FIELD)
    with pytest.raises(InputError, match="anderen Gerät"):
        take_part(db, workshop.id, "Tisch 1", None, field=FIELD)
    assert [p.id for p in ws.list_participants(db, workshop.id)] == [old.id]


def test_a_browser_is_one_participant_per_workshop_not_across_workshops(
    db: Database, workshop: Workshop
) -> None:
    other = ws.create_workshop(db, "Zweiter Workshop", workshop.journey_id)
    here = take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD).participant
    there = take_part(db, other.id, "Tisch 5", PHONE, field=FIELD).participant
    assert here.id != there.id
    mine = storage.participation.of_browser(db, PHONE)
    assert [(w.id, p.id) for w, p in mine] == [(other.id, there.id), (workshop.id, here.id)]
    ws.close_workshop(db, other.id)  # a closed workshop is no longer offered
    assert [p.id for _, p in storage.participation.of_browser(db, PHONE)] == [here.id]
    assert storage.participation.of_browser(db, None) == []


def test_resume_only_for_the_browser_that_joined_and_only_while_open(
    db: Database, workshop: Workshop
) -> None:
    kita = take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD).participant
    assert storage.participation.resume(db, kita.id, PHONE) == kita
    for stranger in (LAPTOP, None):
        with pytest.raises(InputError) as refused:
            storage.participation.resume(db, kita.id, stranger)
        assert str(refused.value) == t("participation.not_this_browser")
    ws.close_workshop(db, workshop.id)
    with pytest.raises(InputError, match="abgeschlossen"):
        storage.participation.resume(db, kita.id, PHONE)
    with pytest.raises(InputError, match="abgeschlossen"):
        take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD)


def test_the_database_keeps_only_the_digest_of_the_browser_cookie(
    db: Database, workshop: Workshop
) -> None:
    kita = take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD).participant
    [stored] = db.execute(
        "SELECT browser_hash FROM workshop_participants WHERE id = ?", [kita.id]
    ).fetchall()
    assert stored == (accounts.token_digest(PHONE),)
    dump = "\n".join(db.conn.iterdump())
    assert PHONE not in dump
    assert "browser_hash" not in kita.model_dump()  # never leaves storage with the record


def test_one_browser_can_never_be_two_participants_of_one_workshop(
    db: Database, workshop: Workshop
) -> None:
    """The unique index holds even if a write went round ``take_part``."""
    take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD)
    twin = ws.join(db, workshop.id, "Tisch 9")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "UPDATE workshop_participants SET browser_hash = ? WHERE id = ?",
            [accounts.token_digest(PHONE), twin.id],
        )


def test_empty_and_overlong_labels_say_so_before_anything_else(
    db: Database, workshop: Workshop
) -> None:
    take_part(db, workshop.id, "Gruppe Kita", PHONE, field=FIELD)
    with pytest.raises(InputError) as empty:
        take_part(db, workshop.id, "   ", PHONE, field=FIELD)
    assert str(empty.value) == t("workshop.label_empty")
    with pytest.raises(InputError, match="zu lang"):
        take_part(db, workshop.id, "x" * 41, LAPTOP, field=FIELD)
    assert room(db, workshop)[0] == ["Gruppe Kita"]


def test_a_guest_who_signs_out_and_joins_again_gets_a_session_for_the_same_participant(
    db: Database, workshop: Workshop
) -> None:
    """The guest sign-in path (``tickets.join_workshop``): sign out, join again, same dots."""
    ticket, guest = storage.tickets.join_workshop(
        db, workshop.join_code, "Tisch 1", "nonce", browser=PHONE
    )
    token = storage.tickets.redeem(db, ticket, "nonce")
    assert token is not None
    ws.cast_vote(db, guest.participant_id, BARRIERS[1])
    storage.access.close_session(db, token)  # "Abmelden"
    _, again = storage.tickets.join_workshop(
        db, workshop.join_code.lower(), "tisch 1", "nonce", browser=PHONE
    )
    assert again.participant_id == guest.participant_id
    assert ws.votes_of(db, again.participant_id) == [BARRIERS[1]]
    with pytest.raises(InputError, match=r"^Bezeichnung: „Tisch 1“ nimmt"):
        storage.tickets.join_workshop(db, workshop.join_code, "Tisch 1", "n2", browser=LAPTOP)
    assert room(db, workshop) == (["Tisch 1"], [(BARRIERS[1], 1)])


def test_phones_joining_at_the_same_moment_never_become_two_of_one_name_or_browser(
    tmp_path: Path,
) -> None:
    """Eight joins at once, each on its own connection as on its own server thread: two
    browsers want "Tisch 1", and one browser joins "Tisch 2" from three tabs."""
    path = tmp_path / "room.db"
    setup = storage.connect(path)
    _, journey = seed_family(setup)
    workshop = ws.create_workshop(setup, "Gleichzeitig", journey.id)
    wanted = [("Tisch 1", "phone-a"), ("Tisch 1", "phone-b")] + [("Tisch 2", "phone-c")] * 3
    wanted += [(f"Tisch {n}", f"phone-{n}") for n in (3, 4, 5)]
    outcomes: list[str] = []
    gate = threading.Barrier(len(wanted))

    def one(label: str, browser: str) -> None:
        db = storage.connect(path)
        gate.wait()
        try:
            joined = take_part(db, workshop.id, label, browser, field=FIELD)
            outcomes.append("weiter" if joined.resumed else "neu")
        except InputError:
            outcomes.append("abgelehnt")
        finally:
            db.conn.close()

    threads = [threading.Thread(target=one, args=pair) for pair in wanted]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["abgelehnt", "neu", "neu", "neu", "neu", "neu", "weiter", "weiter"]
    labels = [p.label for p in ws.list_participants(setup, workshop.id)]
    assert sorted(labels) == ["Tisch 1", "Tisch 2", "Tisch 3", "Tisch 4", "Tisch 5"]
