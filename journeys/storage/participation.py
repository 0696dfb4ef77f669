"""One browser, one participant: joining a workshop again resumes, it never adds a voter.

A device in the room is recognised by a long-lived random cookie of its browser
(``pages.web.browser_cookie``); the database keeps only that cookie's SHA-256 digest with the
participant (``browser_hash``), never the cookie itself, so nothing stored identifies a
browser by itself. The rules, checked inside one write transaction so that two phones
joining at once cannot both slip past them:

- This browser already takes part in the workshop under the same label (any case,
  spaces collapsed): the same participant again, with its dots already spent and its
  contributions (``Joined.resumed``). That is a reload that lost the page's state, a
  guest who signed out and in again, a phone that scanned the QR code twice.
- This browser takes part under another label: refused with a German message that names
  the label to type. One device stays one vote; a typo or a new name for the same group
  must not make it a second voter.
- Another browser (or a participant from before the cookie) took the label: refused with a
  German message naming the field, so the label never takes over someone else's dots and
  no second participant of the same name silently appears on the projector.
- Otherwise a new participant, bound to this browser.

A join without a browser cookie (``browser=None``) can never resume: it gets a new
participant under a free label, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.workshops import Participant, Workshop
from journeys.storage import workshop_items as _workshops
from journeys.storage.core import write
from journeys.storage.workshop_rows import _open_workshop, get_workshop


@dataclass(frozen=True)
class Joined:
    """Who this browser is in the workshop, and whether it was that participant before."""

    participant: Participant
    resumed: bool


def same_label(a: str, b: str) -> bool:
    """Whether two labels name the same group: any case, spaces collapsed."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _digest(browser: str | None) -> str | None:
    return accounts.token_digest(browser) if browser else None


def _of_browser(db: Database, workshop_id: int, digest: str) -> Participant | None:
    row = db.execute(
        "SELECT id FROM workshop_participants WHERE workshop_id = ? AND browser_hash = ?",
        [workshop_id, digest],
    ).fetchone()
    return _workshops.get_participant(db, row[0]) if row else None


def take_part(
    db: Database, workshop_id: int, label: str, browser: str | None, *, field: str
) -> Joined:
    """Join the open workshop from this browser under ``label``, by the rules above.

    ``browser`` is the browser's cookie value as it came in; ``field`` is the name of the
    label's input as the person sees it, for the German ``InputError``.
    """
    label = _workshops.clean_label(label)
    digest = _digest(browser)
    with write(db):
        _open_workshop(db, workshop_id)
        mine = _of_browser(db, workshop_id, digest) if digest else None
        if mine is not None:
            if same_label(mine.label, label):
                return Joined(mine, resumed=True)
            raise InputError(t("participation.other_label", field=field, label=mine.label))
        for other in _workshops.list_participants(db, workshop_id):
            if same_label(other.label, label):
                raise InputError(t("participation.label_taken", field=field, label=other.label))
        joined = _workshops.join(db, workshop_id, label)
        db.execute(
            "UPDATE workshop_participants SET browser_hash = ? WHERE id = ?", [digest, joined.id]
        )
    return Joined(joined, resumed=False)


def of_browser(db: Database, browser: str | None) -> list[tuple[Workshop, Participant]]:
    """Where this browser takes part now: each open workshop with its participant.

    The newest workshop first. Empty without a cookie.
    """
    digest = _digest(browser)
    if not digest:
        return []
    rows = db.execute(
        "SELECT p.id FROM workshop_participants p JOIN workshops w ON w.id = p.workshop_id"
        " WHERE p.browser_hash = ? AND w.status = 'offen' ORDER BY w.created_at DESC, w.id DESC",
        [digest],
    ).fetchall()
    found = []
    for (participant_id,) in rows:
        participant = _workshops.get_participant(db, participant_id)
        found.append((get_workshop(db, participant.workshop_id), participant))
    return found


def resume(db: Database, participant_id: int, browser: str | None) -> Participant:
    """This browser's own participant in an open workshop, to continue as it.

    German ``InputError`` when the participant did not join from this browser (or the
    workshop has closed meanwhile).
    """
    digest = _digest(browser)
    participant = _workshops.get_participant(db, participant_id)
    row = db.execute(
        "SELECT browser_hash FROM workshop_participants WHERE id = ?", [participant_id]
    ).fetchone()
    if not digest or row is None or row[0] != digest:
        raise InputError(t("participation.not_this_browser"))
    _open_workshop(db, participant.workshop_id)
    return participant
