"""Consent per family and purpose, and exports that hold only families who consented.

What a data-protection officer checks: a consent is recorded with its day, a withdrawal
keeps the history, and an export for a purpose (JSON dataset, event log, command line)
leaves out every family without a consent in force for that purpose.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, exchange, storage
from journeys.errors import InputError, NotFoundError
from journeys.exchange import eventlog
from journeys.models import (
    AgeBand,
    Consent,
    ConsentPurpose,
    Family,
    HouseholdType,
    Member,
    Role,
    Step,
)
from journeys.storage import privacy

FK = ConsentPurpose.FALLKONFERENZ
UE = ConsentPurpose.UEBERLEITUNG
EV = ConsentPurpose.EVALUATION
TODAY = date(2026, 11, 21)


def new_family(db: Database) -> int:
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINSTEHEND,
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )
    return family.id or 0


# ---------------------------------------------------------------- recording consent


def test_a_consent_is_recorded_with_its_day_and_withdrawn_with_another(db: Database) -> None:
    family = new_family(db)
    changed = privacy.save_consents(
        db, family, {EV: (True, date(2025, 1, 2)), FK: (True, date(2025, 3, 1))}, today=TODAY
    )
    assert changed == 2
    assert privacy.save_consents(db, family, {FK: (False, date(2025, 6, 1))}, today=TODAY) == 1
    records = privacy.list_consents(db, family)
    assert [(c.purpose, c.given_on, c.withdrawn_on) for c in records] == [
        (EV, date(2025, 1, 2), None),
        (FK, date(2025, 3, 1), date(2025, 6, 1)),
    ]
    current = privacy.current_consents(db, family)
    assert current[UE] is None and current[FK].withdrawn_on == date(2025, 6, 1)  # type: ignore[union-attr]


def test_consenting_again_after_a_withdrawal_keeps_the_history(db: Database) -> None:
    family = new_family(db)
    privacy.save_consents(db, family, {UE: (True, date(2024, 1, 1))}, today=TODAY)
    privacy.save_consents(db, family, {UE: (False, date(2024, 6, 1))}, today=TODAY)
    privacy.save_consents(db, family, {UE: (True, date(2025, 2, 1))}, today=TODAY)
    records = privacy.list_consents(db, family)
    assert [(c.given_on, c.withdrawn_on) for c in records] == [
        (date(2024, 1, 1), date(2024, 6, 1)),
        (date(2025, 2, 1), None),
    ]


def test_saving_the_same_ticks_again_changes_nothing_and_a_new_day_corrects(
    db: Database,
) -> None:
    family = new_family(db)
    privacy.save_consents(db, family, {EV: (True, date(2025, 1, 2))}, today=TODAY)
    version = storage.data_version(db)
    assert privacy.save_consents(db, family, {EV: (True, date(2025, 1, 2))}, today=TODAY) == 0
    assert privacy.save_consents(db, family, {FK: (False, date(2025, 1, 2))}, today=TODAY) == 0
    assert privacy.save_consents(db, family, {EV: (True, date(2025, 1, 5))}, today=TODAY) == 1
    assert [c.given_on for c in privacy.list_consents(db, family)] == [date(2025, 1, 5)]
    assert storage.data_version(db) > version


def test_a_day_in_the_future_is_refused_in_german_and_nothing_changes(db: Database) -> None:
    family = new_family(db)
    with pytest.raises(InputError, match="in der Zukunft"):
        privacy.save_consents(
            db, family, {EV: (True, date(2025, 1, 1)), FK: (True, date(2027, 1, 1))}, today=TODAY
        )
    assert privacy.list_consents(db, family) == []


def test_a_withdrawal_before_the_consent_is_refused(db: Database) -> None:
    family = new_family(db)
    privacy.save_consents(db, family, {EV: (True, date(2025, 5, 1))}, today=TODAY)
    with pytest.raises(ValueError, match="nicht vor der Einwilligung"):
        privacy.save_consents(db, family, {EV: (False, date(2025, 4, 1))}, today=TODAY)
    assert privacy.list_consents(db, family)[0].withdrawn_on is None


def test_consent_for_an_unknown_family_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError):
        privacy.save_consents(db, 999, {EV: (True, date(2025, 1, 1))}, today=TODAY)


def test_every_consent_change_is_in_the_audit_log(db: Database) -> None:
    family = new_family(db)
    code = storage.get_family(db, family).code
    privacy.save_consents(db, family, {EV: (True, date(2025, 1, 2))}, today=TODAY)
    privacy.save_consents(db, family, {EV: (False, date(2025, 3, 4))}, today=TODAY)
    details = list(storage.audit.query(db, object_id=code)["detail"])
    assert "Einwilligung „Evaluation“ erteilt am 02.01.2025" in details
    assert "Einwilligung „Evaluation“ widerrufen am 04.03.2025" in details


def test_a_consent_holds_from_its_day_until_its_withdrawal(db: Database) -> None:
    family = new_family(db)
    privacy.save_consents(db, family, {EV: (True, date(2025, 1, 10))}, today=TODAY)
    privacy.save_consents(db, family, {EV: (False, date(2025, 3, 1))}, today=TODAY)
    assert privacy.consenting_family_ids(db, EV, on=date(2025, 1, 9)) == []
    assert privacy.consenting_family_ids(db, EV, on=date(2025, 2, 1)) == [family]
    assert privacy.consenting_family_ids(db, EV, on=date(2025, 3, 1)) == []


# ---------------------------------------------------------------- exports


@pytest.fixture
def mixed(db: Database) -> dict[str, int]:
    """Three families: one consented to the evaluation, one withdrew it, one never did."""
    ids = {"yes": new_family(db), "withdrawn": new_family(db), "never": new_family(db)}
    privacy.save_consents(db, ids["yes"], {EV: (True, date(2025, 1, 1))})
    privacy.save_consents(db, ids["withdrawn"], {EV: (True, date(2025, 1, 1))})
    privacy.save_consents(db, ids["withdrawn"], {EV: (False, date(2025, 2, 1))})
    privacy.save_consents(db, ids["never"], {FK: (True, date(2025, 1, 1))})
    for family_id in ids.values():
        journey = storage.get_or_create_journey(db, family_id)
        storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month="2025-01"))
    return ids


def codes(db: Database, *family_ids: int) -> set[str]:
    return {storage.get_family(db, i).code for i in family_ids}


def test_a_json_export_for_a_purpose_holds_only_the_consenting_families(
    db: Database, mixed: dict[str, int]
) -> None:
    dataset = json.loads(exchange.export_json(db, purpose=EV))
    assert {e["family"]["code"] for e in dataset["families"]} == codes(db, mixed["yes"])
    assert dataset["families"][0]["consents"] == [
        {"purpose": "evaluation", "given_on": "2025-01-01", "withdrawn_on": None}
    ]
    chosen = json.loads(exchange.export_json(db, [mixed["never"], mixed["yes"]], purpose=FK))
    assert {e["family"]["code"] for e in chosen["families"]} == codes(db, mixed["never"])


def without_time(data: bytes) -> dict[str, object]:
    return {k: v for k, v in json.loads(data).items() if k != "exported_at"}


def test_consents_travel_with_the_dataset_and_come_back_on_import(
    db: Database, mixed: dict[str, int], tmp_path: Path
) -> None:
    first = exchange.export_json(db, exported_at=None)
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, first)
    again = exchange.export_json(target)
    assert without_time(again) == without_time(first)
    assert len(privacy.consents_by_family(target)) == 3
    assert privacy.consenting_family_ids(target, EV) == [mixed["yes"]]


def test_an_event_log_for_a_purpose_holds_only_the_consenting_families(
    db: Database, mixed: dict[str, int]
) -> None:
    cases = {e.case for e in eventlog.events(db, purpose=EV)}
    assert cases == codes(db, mixed["yes"])
    csv_text = eventlog.event_log_csv(db, purpose=FK).decode("utf-8-sig")
    assert storage.get_family(db, mixed["never"]).code in csv_text
    assert storage.get_family(db, mixed["yes"]).code not in csv_text
    xes = eventlog.event_log_xes(db, purpose=UE).decode()
    assert "<trace>" not in xes  # nobody consented to digital referral


def test_the_command_line_exports_for_the_evaluation_by_default(
    db: Database, mixed: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.db"
    out = tmp_path / "export.json"
    assert cli.main(["export", "--db", str(path), "--out", str(out)]) == 0
    dataset = json.loads(out.read_text(encoding="utf-8"))
    assert {e["family"]["code"] for e in dataset["families"]} == codes(db, mixed["yes"])
    printed = capsys.readouterr().out
    assert "2 Familien ohne Einwilligung für „Evaluation“ wurden weggelassen." in printed
    args = ["export", "--db", str(path), "--out", str(out), "--zweck", "fallkonferenz"]
    assert cli.main(args) == 0
    dataset = json.loads(out.read_text(encoding="utf-8"))
    assert {e["family"]["code"] for e in dataset["families"]} == codes(db, mixed["never"])


def test_the_command_line_refuses_an_unknown_purpose_in_german(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--db", str(tmp_path / "t.db"), "--out", str(tmp_path / "x.json")]
    with pytest.raises(SystemExit):
        cli.main([*args, "--zweck", "werbung"])
    assert "Unbekannter Zweck „werbung“" in capsys.readouterr().err


def test_demo_families_consented_to_the_evaluation(db: Database) -> None:
    demo.seed_demo(db, families=6, seed=2)
    ids = storage.list_families(db)["id"].tolist()
    assert privacy.consenting_family_ids(db, EV) == sorted(ids)
    assert 0 < len(privacy.consenting_family_ids(db, UE)) < len(ids)


def test_a_consent_model_refuses_a_withdrawal_before_the_day_given() -> None:
    with pytest.raises(ValueError, match="nicht vor der Einwilligung"):
        Consent(purpose=EV, given_on=date(2025, 2, 1), withdrawn_on=date(2025, 1, 1))
    assert Consent(purpose=EV, given_on=date(2025, 2, 1)).in_force(date(2025, 2, 1))
