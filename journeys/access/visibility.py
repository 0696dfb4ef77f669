"""What one signed-in user may see of the case data: which teams' families, and health tags.

The role table (``journeys/models/permissions.py``) says *which pages and exports* a user may use;
this module says *which records* those pages show. Both are applied on the server: the
storage queries take the teams as a parameter (``teams=``) so a family of another team is
never read at all, and the health filter removes tags of the sensitive category (health,
DSGVO Art. 9) from a journey before any page, map or export sees it. No Streamlit here, so
the rules are tested on their own (tests/journeys/test_visibility.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from journeys.models import Journey
from journeys.models.permissions import Permission, User
from journeys.reference.resources import ResourceTaxonomy
from journeys.reference.taxonomy import Taxonomy

# The team of the archetype families (``storage.ARCHETYPE_TEAM``): invented personas that
# every coach may open, e.g. to run a workshop on them. Repeated here, not imported, so
# that this module does not pull in the storage package; a test checks both agree.
ARCHETYPE_TEAM = "Archetyp"


def case_teams(user: User) -> frozenset[str]:
    """The teams whose families ``user`` may see case by case: their own plus archetypes.

    A user without the case permission sees no family at all (an empty set, which the
    storage queries read as "nothing"). There is deliberately no "all teams" value here:
    the only unscoped readers are the admin's erasure and audit tools, which pass
    ``teams=None`` to storage themselves.
    """
    if not user.may(Permission.CASES):
        return frozenset()
    return frozenset(team.strip() for team in user.teams if team.strip()) | {ARCHETYPE_TEAM}


def own_teams(user: User) -> list[str]:
    """The teams a user may file a new family under (archetypes are made, not typed in)."""
    return sorted({team.strip() for team in user.teams if team.strip()} - {ARCHETYPE_TEAM})


def sensitive_barrier_keys(taxonomy: Taxonomy) -> frozenset[str]:
    """Keys of every barrier (retired ones too) in a category marked ``sensitive``."""
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    return frozenset(b.key for b in taxonomy.barriers if b.category in sensitive)


def is_sensitive_key(taxonomy: Taxonomy, barrier_key: str) -> bool:
    """Whether a barrier key holds health data: its category, or its key's prefix, is sensitive.

    The prefix also counts so that a tag whose barrier was deleted from the taxonomy, but
    whose key still says ``gesundheit.…``, is never shown by mistake.
    """
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    return barrier_key in sensitive_barrier_keys(taxonomy) or (
        barrier_key.split(".", 1)[0] in sensitive
    )


def hide_health(journey: Journey, taxonomy: Taxonomy) -> Journey:
    """The journey without tags of a sensitive category: what a user without health rights sees.

    Only the view changes: pages that save a step take its tags from the database again
    (``pages/journey.py``), so a hidden tag is never dropped by someone who cannot see it.
    """
    steps = [
        step.model_copy(
            update={"tags": [t for t in step.tags if not is_sensitive_key(taxonomy, t.barrier_key)]}
        )
        for step in journey.steps
    ]
    return journey.model_copy(update={"steps": steps})


def journey_for(user: User, journey: Journey, taxonomy: Taxonomy) -> Journey:
    """The journey as ``user`` may see it: complete with health rights, else without health tags."""
    return journey if user.sees_health else hide_health(journey, taxonomy)


def journeys_for(user: User, journeys: Iterable[Journey], taxonomy: Taxonomy) -> list[Journey]:
    return [journey_for(user, journey, taxonomy) for journey in journeys]


def taxonomy_for(user: User, taxonomy: Taxonomy) -> Taxonomy:
    """The taxonomy as a picker offers it: without sensitive categories for users without
    health rights, so they can neither see nor add a health tag (one they added would
    vanish from their own screen at once)."""
    if user.sees_health:
        return taxonomy
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    return taxonomy.model_copy(
        update={
            "categories": [c for c in taxonomy.categories if c.key not in sensitive],
            "barriers": [b for b in taxonomy.barriers if b.category not in sensitive],
        }
    )


def resource_taxonomy_for(user: User, taxonomy: ResourceTaxonomy) -> ResourceTaxonomy:
    """The resource taxonomy as a picker offers it: a type that reveals health (a self-help
    group) only with health rights, as for the health barrier categories. The records
    themselves are filtered in SQL (``storage.list_family_resources(health=...)``)."""
    return taxonomy if user.sees_health else taxonomy.without_sensitive()


@dataclass(frozen=True)
class CaseScope:
    """What a case-level reader (an export, a list) may include: teams and health tags.

    ``teams=None`` means every family (the command line, the admin's tools); ``health``
    says whether tags of a sensitive category are included. Passed to the storage queries,
    which filter in SQL, so records outside the scope are never read.
    """

    teams: frozenset[str] | None = None
    health: bool = True

    @classmethod
    def of(cls, user: User) -> CaseScope:
        """The scope of ``user`` on the case pages: own teams plus archetypes."""
        return cls(teams=case_teams(user), health=user.sees_health)

    @classmethod
    def export_of(cls, user: User) -> CaseScope:
        """The scope of ``user``'s case exports: own teams only, archetypes never (they are
        invented personas, not cases)."""
        return cls(teams=case_teams(user) - {ARCHETYPE_TEAM}, health=user.sees_health)


EVERYTHING = CaseScope()


def replace_health_rows(
    table: pd.DataFrame, category_table: pd.DataFrame, taxonomy: Taxonomy, *, key_col: str = "key"
) -> pd.DataFrame:
    """A barrier-level analysis table with its health rows replaced by category rows.

    For users without health rights: the rows of single health barriers go, the rows of
    the whole sensitive category (taken from the category-level version of the same table,
    where a family counts once) come in, so the figures stay true and no single health
    barrier is named. Row order is kept; the category rows come last.
    """
    if table.empty:
        return table
    keys = table[key_col].astype(str)
    hidden = keys.map(lambda key: is_sensitive_key(taxonomy, key))
    if not hidden.any():
        return table
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    wanted = {key.split(".", 1)[0] for key in keys[hidden]} & sensitive
    extra = category_table[category_table[key_col].astype(str).isin(wanted)]
    return pd.concat(
        [table[~hidden.to_numpy()], extra.reindex(columns=table.columns)], ignore_index=True
    )
