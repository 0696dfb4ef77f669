"""Storage of what helped: one record per tag and status, prefilled in the status click,
only for a status the tag has reached, gone with the tag and the family, audited."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError, NotFoundError
from journeys.models import Family, TagStatus
from journeys.models.helped import HelpKind, WhatHelped
from tests.support.families import save_single_mother
from tests.support.helped import tagged_step

DAY = date(2026, 3, 1)


def helped(tag_id: int, status: TagStatus, kind: HelpKind, **item: int) -> WhatHelped:
    return WhatHelped(tag_id=tag_id, status=status, kind=kind, recorded_on=DAY, **item)


def test_removing_a_tag_records_the_prefilled_service_in_the_same_save(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    tag = x.tag_ids[0]
    before = storage.data_version(db)
    prefill = helped(tag, TagStatus.BESEITIGT, HelpKind.HILFEANGEBOT, service_id=x.service_id)
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, DAY, prefill)
    assert storage.data_version(db) > before
    saved = storage.helped_of_tags(db, [tag])[(tag, TagStatus.BESEITIGT)]
    assert (saved.kind, saved.service_id) == (HelpKind.HILFEANGEBOT, x.service_id)
    assert storage.get_step(db, x.step.id).tags[0].status is TagStatus.BESEITIGT


def test_the_coach_changes_the_prefill_to_the_volunteer_and_back_to_not_recorded(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    tag = x.tag_ids[0]
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, DAY, None)
    assert storage.helped_of_tags(db, [tag]) == {}  # no service: "nicht erfasst"
    storage.record_helped(db, helped(tag, TagStatus.BESEITIGT, HelpKind.EHRENAMT))
    assert storage.helped_of_tags(db, [tag])[(tag, TagStatus.BESEITIGT)].kind is HelpKind.EHRENAMT
    storage.clear_helped(db, tag, TagStatus.BESEITIGT)
    assert storage.helped_of_tags(db, [tag]) == {}
    details = [r[0] for r in db.execute("SELECT detail FROM audit_log ORDER BY id")]
    assert any("Was geholfen hat bei sprache.deutsch erfasst" in d for d in details)
    assert any("nicht erfasst" in d for d in details)


def test_reduced_then_removed_keeps_one_record_per_status_and_going_back_drops_them(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    tag = x.tag_ids[0]
    reduce = helped(tag, TagStatus.VERRINGERT, HelpKind.FAMILIE)
    storage.set_status_with_help(db, tag, TagStatus.VERRINGERT, DAY, reduce)
    remove = helped(tag, TagStatus.BESEITIGT, HelpKind.HILFEANGEBOT, service_id=x.service_id)
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, DAY, remove)
    assert set(storage.helped_of_tags(db, [tag])) == {
        (tag, TagStatus.VERRINGERT),
        (tag, TagStatus.BESEITIGT),
    }
    storage.set_status_with_help(db, tag, TagStatus.VERRINGERT, DAY, None)
    assert set(storage.helped_of_tags(db, [tag])) == {(tag, TagStatus.VERRINGERT)}
    storage.set_status_with_help(db, tag, TagStatus.ERKANNT, DAY, None)
    assert storage.helped_of_tags(db, [tag]) == {}


def test_a_choice_made_before_survives_a_status_click_back_and_forth(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    tag = x.tag_ids[0]
    storage.set_status_with_help(db, tag, TagStatus.VERRINGERT, DAY, None)
    storage.record_helped(db, helped(tag, TagStatus.VERRINGERT, HelpKind.EHRENAMT))
    storage.set_status_with_help(
        db,
        tag,
        TagStatus.VERRINGERT,
        DAY,
        helped(tag, TagStatus.VERRINGERT, HelpKind.HILFEANGEBOT, service_id=x.service_id),
    )
    assert storage.helped_of_tags(db, [tag])[(tag, TagStatus.VERRINGERT)].kind is HelpKind.EHRENAMT


def test_what_removed_a_barrier_that_is_only_identified_is_refused_in_german(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    with pytest.raises(InputError, match="noch nicht beseitigt"):
        storage.record_helped(db, helped(x.tag_ids[0], TagStatus.BESEITIGT, HelpKind.EHRENAMT))
    assert storage.helped_of_tags(db, x.tag_ids) == {}


def test_a_record_names_only_the_item_of_its_kind_and_a_service_is_required() -> None:
    with pytest.raises(ValidationError, match="Hilfeangebot wählen"):
        WhatHelped(
            tag_id=1, status=TagStatus.BESEITIGT, kind=HelpKind.HILFEANGEBOT, recorded_on=DAY
        )
    with pytest.raises(ValidationError, match="passt nicht zur Art"):
        helped(1, TagStatus.BESEITIGT, HelpKind.EHRENAMT, service_id=3)
    with pytest.raises(ValidationError, match="nur für eine verringerte"):
        helped(1, TagStatus.ERKANNT, HelpKind.EHRENAMT)


def test_unknown_service_or_a_measure_of_another_family_is_refused(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family)
    tag = x.tag_ids[0]
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, DAY, None)
    with pytest.raises(NotFoundError):
        storage.record_helped(
            db, helped(tag, TagStatus.BESEITIGT, HelpKind.HILFEANGEBOT, service_id=99_999)
        )
    with pytest.raises(NotFoundError, match="gehört nicht zu dieser Familie"):
        storage.record_helped(
            db, helped(tag, TagStatus.BESEITIGT, HelpKind.SOLL_MASSNAHME, soll_measure_id=1)
        )


def test_deleting_the_tag_or_erasing_the_family_removes_what_helped(
    db: Database, family: Family
) -> None:
    x = tagged_step(db, family, "sprache.deutsch", "digital.endgeraet")
    first, second = x.tag_ids
    for tag in (first, second):
        storage.set_status_with_help(
            db,
            tag,
            TagStatus.BESEITIGT,
            DAY,
            helped(tag, TagStatus.BESEITIGT, HelpKind.HILFEANGEBOT, service_id=x.service_id),
        )
    storage.delete_tag(db, first)
    assert db.execute("SELECT tag_id FROM what_helped").fetchall() == [(second,)]
    storage.erasure.erase_family(db, family.id)
    assert db.execute("SELECT COUNT(*) FROM what_helped").fetchone()[0] == 0


def test_the_patin_of_the_catalogue_and_the_grandmother_can_be_named(
    db: Database, family: Family
) -> None:
    from journeys.models.resources import FamilyResource, SozialraumResource

    patin = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Everswinkel",
            name="Patenschaftsprojekt Everswinkel",
            type_key="sozialraum.patenschaft",
            volunteer=True,
        ),
    )
    cafe = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Everswinkel", name="Elterncafé St. Magnus", type_key="sozialraum.elterncafe"
        ),
    )
    elsewhere = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Ennigerloh", name="Elterncafé Ennigerloh", type_key="sozialraum.elterncafe"
        ),
    )
    grandmother = storage.add_family_resource(
        db, family.id, FamilyResource(type_key="netzwerk.familie", who="Großmutter")
    )
    x = tagged_step(db, family, "familie.kinderbetreuung")
    tag = x.tag_ids[0]
    items = storage.help_items_for_tag(db, tag)
    assert items.volunteers == [(patin.id, "Patenschaftsprojekt Everswinkel")]
    assert items.sozialraum == [(cafe.id, "Elterncafé St. Magnus")]  # not Ennigerloh's
    assert elsewhere.id not in {i for i, _ in items.sozialraum}
    [(grandmother_id, label)] = items.family
    assert grandmother_id == grandmother.id
    assert label.endswith("(Großmutter)")
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, DAY, None)
    storage.record_helped(
        db, helped(tag, TagStatus.BESEITIGT, HelpKind.EHRENAMT, resource_id=patin.id)
    )
    assert storage.helped_of_tags(db, [tag])[(tag, TagStatus.BESEITIGT)].resource_id == patin.id
    storage.record_helped(
        db, helped(tag, TagStatus.BESEITIGT, HelpKind.FAMILIE, family_resource_id=grandmother.id)
    )
    other = save_single_mother(db)
    someone_else = storage.add_family_resource(
        db, other.id, FamilyResource(type_key="netzwerk.familie", who="Nachbarin")
    )
    with pytest.raises(NotFoundError, match="gehört nicht zu dieser Familie"):
        storage.record_helped(
            db,
            helped(tag, TagStatus.BESEITIGT, HelpKind.FAMILIE, family_resource_id=someone_else.id),
        )
