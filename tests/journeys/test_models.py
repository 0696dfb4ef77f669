"""The rules a form enforces before anything is stored, shown as tables of good and bad values."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from journeys.errors import german_messages
from journeys.models import (
    CODE_PATTERN,
    BarrierTag,
    Family,
    Member,
    Referral,
    Service,
    Stage,
    Step,
    TagStatus,
    new_case_code,
)

MEMBER = {"role": "mutter", "age_band": "25-34"}
FAMILY = {"code": "BG-7K3Q9X", "sozialraum": "Everswinkel", "household_type": "alleinerziehend"}
STEP = {"stage_key": "antrag", "month": "2025-03"}
TAG = {"barrier_key": "sprache.deutsch", "identified_on": "2025-03-10"}

# English words pydantic would use if a message slipped through untranslated.
ENGLISH = re.compile(r"\b(should|input|field|valid|required|string|characters?|extra)\b", re.I)


def family(**changes: Any) -> dict[str, Any]:
    return {**FAMILY, "members": [MEMBER], **changes}


# ---------------------------------------------------------------- Step


@pytest.mark.parametrize("emotion", [-2, -1, 0, 1, 2])
def test_emotion_from_minus_two_to_plus_two_is_accepted(emotion: int) -> None:
    assert Step(**STEP, emotion=emotion).emotion == emotion


@pytest.mark.parametrize("emotion", [-3, 3, 10, "sehr gut"])
def test_emotion_outside_the_scale_is_refused(emotion: object) -> None:
    with pytest.raises(ValidationError):
        Step(**STEP, emotion=emotion)


@pytest.mark.parametrize("month", ["2024-01", "2025-12", "1999-06", "2030-10"])
def test_month_in_yyyy_mm_format_is_accepted(month: str) -> None:
    assert Step(stage_key="antrag", month=month).month == month


@pytest.mark.parametrize(
    "month",
    ["2024-13", "2024-00", "2024-1", "24-01", "01.2024", "2024-01-15", "2024/01", "", "1899-01"],
)
def test_month_in_any_other_format_is_refused(month: str) -> None:
    with pytest.raises(ValidationError):
        Step(stage_key="antrag", month=month)


@pytest.mark.parametrize("stage_key", ["Antrag", "2antrag", "antrag-neu", "", "antrag neu"])
def test_stage_key_must_be_a_stable_lowercase_key(stage_key: str) -> None:
    with pytest.raises(ValidationError):
        Step(stage_key=stage_key, month="2025-03")


def test_step_defaults_are_what_a_coach_would_pick() -> None:
    step = Step(**STEP)
    assert (step.channel, step.outcome, step.emotion) == ("persoenlich", "erreicht", 0)
    assert step.tags == [] and step.referrals == [] and step.member_ids == []


def test_open_tags_leave_out_removed_barriers() -> None:
    step = Step(
        **STEP,
        tags=[
            {**TAG, "barrier_key": "sprache.deutsch"},
            {**TAG, "barrier_key": "existenz.schulden", "status": "verringert",
             "reduced_on": "2025-04-01"},
            {**TAG, "barrier_key": "familie.kinderbetreuung", "status": "beseitigt",
             "removed_on": "2025-05-01"},
        ],
    )  # fmt: skip
    assert [t.barrier_key for t in step.open_tags] == ["sprache.deutsch", "existenz.schulden"]


# ---------------------------------------------------------------- BarrierTag


@pytest.mark.parametrize("severity", [1, 2, 3])
def test_severity_one_to_three_is_accepted(severity: int) -> None:
    assert BarrierTag(**TAG, severity=severity).severity == severity


@pytest.mark.parametrize("severity", [0, 4, -1])
def test_severity_outside_one_to_three_is_refused(severity: int) -> None:
    with pytest.raises(ValidationError):
        BarrierTag(**TAG, severity=severity)


@pytest.mark.parametrize(
    ("status", "reduced_on", "removed_on"),
    [
        ("erkannt", None, None),
        ("verringert", "2025-04-01", None),
        ("verringert", "2025-03-10", None),  # reduced on the day it was seen
        ("beseitigt", None, "2025-06-01"),
        ("beseitigt", "2025-04-01", "2025-06-01"),
    ],
)
def test_status_with_its_dates_is_accepted(
    status: str, reduced_on: str | None, removed_on: str | None
) -> None:
    tag = BarrierTag(**TAG, status=status, reduced_on=reduced_on, removed_on=removed_on)
    assert tag.status == status


@pytest.mark.parametrize(
    ("status", "reduced_on", "removed_on", "message"),
    [
        ("verringert", None, None, "verringert wurde"),
        ("beseitigt", None, None, "beseitigt wurde"),
        ("beseitigt", "2025-04-01", None, "beseitigt wurde"),
        ("verringert", "2025-03-09", None, "vor dem Erkennen"),
        ("beseitigt", None, "2025-01-31", "vor dem Erkennen"),
        ("beseitigt", "2024-12-01", "2025-06-01", "vor dem Erkennen"),
    ],
)
def test_status_without_its_date_or_with_a_date_before_identified_is_refused(
    status: str, reduced_on: str | None, removed_on: str | None, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        BarrierTag(**TAG, status=status, reduced_on=reduced_on, removed_on=removed_on)
    assert any(message in line for line in german_messages(caught.value))


@pytest.mark.parametrize(
    "key", ["sprache", "Sprache.deutsch", "sprache.", ".deutsch", "sprache deutsch"]
)
def test_barrier_key_must_be_category_dot_barrier(key: str) -> None:
    with pytest.raises(ValidationError):
        BarrierTag(**{**TAG, "barrier_key": key})


def test_a_removed_tag_is_not_open() -> None:
    removed = BarrierTag(**TAG, status=TagStatus.BESEITIGT, removed_on=date(2025, 5, 1))
    assert not removed.is_open
    assert BarrierTag(**TAG).is_open


# ---------------------------------------------------------------- Family and Member


@pytest.mark.parametrize("code", ["BG-7K3Q9X", "BG-AAAAAA", "BG-234567", "  BG-7K3Q9X  "])
def test_case_code_of_the_pattern_is_accepted(code: str) -> None:
    assert Family(**family(code=code)).code == code.strip()


@pytest.mark.parametrize(
    "code",
    [
        "BG-7K3Q9",  # too short
        "BG-7K3Q9XY",  # too long
        "bg-7k3q9x",  # lower case
        "BG-0K3Q9X",  # 0 is left out: looks like O
        "BG-OK3Q9X",  # O is left out
        "BG-1K3Q9X",  # 1 is left out: looks like I and l
        "BG-IK3Q9X",
        "BG-LK3Q9X",
        "XX-7K3Q9X",
        "7K3Q9X",
        "Familie Müller",  # never a name
    ],
)
def test_case_code_outside_the_pattern_is_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        Family(**family(code=code))


def test_new_case_codes_are_random_and_match_the_pattern() -> None:
    codes = {new_case_code() for _ in range(200)}
    assert all(re.fullmatch(CODE_PATTERN, code) for code in codes)
    assert len(codes) == 200


def test_a_new_family_gets_a_fresh_code_of_its_own() -> None:
    first = Family(sozialraum="Ennigerloh", household_type="sonstige", members=[MEMBER])
    second = Family(sozialraum="Ennigerloh", household_type="sonstige", members=[MEMBER])
    assert re.fullmatch(CODE_PATTERN, first.code)
    assert first.code != second.code


def test_a_family_needs_at_least_one_member() -> None:
    with pytest.raises(ValidationError) as caught:
        Family(**family(members=[]))
    assert german_messages(caught.value) == [
        "Familienmitglieder: braucht mindestens 1 Eintrag/Einträge"
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sozialraum": ""}, "sozialraum"),
        ({"sozialraum": "   "}, "sozialraum"),
        ({"household_type": "patchwork"}, "household_type"),
        ({"status": "geloescht"}, "status"),
        ({"team": "x" * 201}, "team"),
    ],
)
def test_bad_family_values_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Family(**family(**changes))
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "oma"}, "role"),
        ({"age_band": "40"}, "age_band"),
        ({"languages": [""]}, "languages"),
        ({"languages": ["Deutsch"] * 7}, "languages"),
    ],
)
def test_bad_member_values_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Member(**{**MEMBER, **changes})
    assert caught.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Family, family(name="Müller")),
        (Member, {**MEMBER, "birthday": "1990-01-01"}),
        (Step, {**STEP, "comment": "x"}),
        (BarrierTag, {**TAG, "reason": "x"}),
        (Referral, {"to_service_id": 1, "via": "Fax"}),
        (Service, {"name": "Kita", "sozialraum": "Everswinkel", "phone": "0251"}),
        (Stage, {"key": "antrag", "label": "Antrag", "order": 1}),
    ],
)
def test_unknown_fields_are_refused_not_silently_dropped(model: type, values: dict) -> None:
    with pytest.raises(ValidationError) as caught:
        model(**values)
    assert [e["type"] for e in caught.value.errors()] == ["extra_forbidden"]


def test_member_label_names_role_and_age_band() -> None:
    assert Member(role="kind", age_band="6-14").label == "Kind (6–14 Jahre)"


# ---------------------------------------------------------------- Referral, Service, Stage


@pytest.mark.parametrize(
    "values",
    [
        {"to_service_id": 3},
        {"to_service_id": 3, "arrived": "ja", "waiting_days": 0},
        {"to_service_id": 3, "arrived": "nein", "warm_handover": True, "data_transfer": True},
        {"to_service_id": 3, "waiting_days": 3650},
    ],
)
def test_good_referrals_are_accepted(values: dict[str, Any]) -> None:
    assert Referral(**values).to_service_id == 3


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"to_service_id": 0},
        {"to_service_id": 3, "arrived": "vielleicht"},
        {"to_service_id": 3, "waiting_days": -1},
        {"to_service_id": 3, "waiting_days": 3651},
    ],
)
def test_bad_referrals_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Referral(**values)


def test_a_referral_is_open_until_someone_knows_whether_the_family_arrived() -> None:
    assert Referral(to_service_id=1).arrived == "offen"


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"name": "Schuldnerberatung", "sozialraum": "Ennigerloh"}, True),
        ({"name": "Kita", "sozialraum": "Everswinkel", "stages": ["kinderbetreuung"]}, True),
        ({"name": "", "sozialraum": "Ennigerloh"}, False),
        ({"name": "Kita", "sozialraum": ""}, False),
        ({"name": "Kita", "sozialraum": "Everswinkel", "stages": ["Kinder Betreuung"]}, False),
        ({"name": "x" * 121, "sozialraum": "Everswinkel"}, False),
    ],
)
def test_service_values(values: dict[str, Any], ok: bool) -> None:
    if ok:
        assert Service(**values).name == values["name"]
    else:
        with pytest.raises(ValidationError):
            Service(**values)


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"key": "antrag", "label": "Antrag & Bewilligung"}, True),
        ({"key": "neue_phase2", "label": "Neu", "position": 11}, True),
        ({"key": "Antrag", "label": "Antrag"}, False),
        ({"key": "antrag", "label": ""}, False),
        ({"key": "antrag", "label": "Antrag", "position": -1}, False),
    ],
)
def test_stage_values(values: dict[str, Any], ok: bool) -> None:
    if ok:
        assert Stage(**values).key == values["key"]
    else:
        with pytest.raises(ValidationError):
            Stage(**values)


# ---------------------------------------------------------------- German messages


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: Family(**family(members=[{"role": "mutter", "age_band": "99"}])),
         "Familienmitglieder › Nr. 1 › Altersgruppe: "),
        (lambda: Family(**family(members=[MEMBER, {"role": "opa", "age_band": "65+"}])),
         "Familienmitglieder › Nr. 2 › Rolle: "),
        (lambda: Family(**family(sozialraum="")), "Sozialraum: zu kurz"),
        (lambda: Step(**STEP, emotion=5), "Gefühl: darf höchstens 2 sein"),
        (lambda: Step(stage_key="antrag", month="März"), "Monat: "),
        (lambda: Step(**STEP, tags=[{**TAG, "severity": 9}]), "Barrieren › Nr. 1 › Schwere: "),
        (lambda: Referral(to_service_id="drei"), "verwiesen an: muss eine ganze Zahl sein"),
        (lambda: Family(**family(nachname="Müller")), "nachname: ist kein bekanntes Feld"),
    ],
)  # fmt: skip
def test_german_messages_name_the_field_as_the_form_does(build: Any, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    messages = german_messages(caught.value)
    assert any(line.startswith(expected) for line in messages), messages
    assert not any(ENGLISH.search(line) for line in messages), messages


def test_german_messages_list_every_problem_once() -> None:
    with pytest.raises(ValidationError) as caught:
        Family(
            code="xyz",
            sozialraum="",
            household_type="alleinerziehend",
            members=[{"role": "kind", "age_band": "99"}],
        )
    messages = german_messages(caught.value)
    assert [line.split(":")[0] for line in messages] == [
        "Fallcode",
        "Sozialraum",
        "Familienmitglieder › Nr. 1 › Altersgruppe",
    ]
    assert not any(ENGLISH.search(line) for line in messages), messages


def test_enum_choices_are_joined_with_oder_not_or() -> None:
    with pytest.raises(ValidationError) as caught:
        Step(**STEP, outcome="weg")
    (line,) = german_messages(caught.value)
    assert line.startswith("Ergebnis: ist keiner der erlaubten Werte")
    assert " oder " in line and " or " not in line
