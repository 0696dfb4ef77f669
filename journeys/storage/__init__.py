"""Storage: the one package that owns the schema and every SQL statement.

Built on sqlite-utils. Every connection runs with WAL, foreign keys and a busy timeout;
migrations run on connect and applying them twice is harmless; every save is one
``BEGIN IMMEDIATE`` transaction, so a failed save leaves nothing half-written and
concurrent writers wait instead of failing. Functions take the ``Database`` first and
return pydantic models (one record) or DataFrames (lists for tables).

The database path comes from the ``ZUGANGSATLAS_DB`` environment variable, defaulting
to ``data/zugangsatlas.db`` (git-ignored).

This face only re-exports, so that callers write ``storage.save_family(...)`` and
``storage.workshops.cast_vote(...)``. The rooms below it (none imports this face):

- ``core``: transactions (``write``), the data version, ``meta``, small helpers;
  ``schema`` with ``schema_case`` and ``schema_access``: the migrations, in order;
  ``database``: ``connect``.
- reference data: ``taxonomy`` (categories, barriers), ``catalogue`` (stages,
  Sozialräume, services); the case: ``families`` (with the team scope), ``goals`` (the
  family's will),
  ``journey_steps``, ``tags``, ``soll``, ``dependencies``, ``step_context``, ``drafts``,
  ``datasets`` (bulk insert, export reading, event log), ``replicate``, ``outreach``
  (the worklist Aufsuchende Hilfe); resources: ``resource_types`` (the resource
  taxonomy), ``sozialraum_resources`` (the catalogue), ``family_resources``;
- the analysis: ``analysis_scope``, ``analysis_queries``, ``analysis_scan``,
  ``archetype_sources``, ``family_list``;
- workshops: ``workshops`` (with ``workshop_rows``, ``workshop_items``,
  ``workshop_votes``), ``participation``, ``join_address``;
- access: ``access`` (accounts, sessions, settings), ``tickets``, ``throttle``,
  ``teams``, ``scope``, ``audit``, ``privacy``, ``erasure``, ``backup``,
  ``safety_copies``, ``schema_check``;
- the Sozialräume on a map: ``sozialraum_profiles`` (profiles and shapes, with
  ``schema_sozialraum``);
- what helped: ``helped`` (records, migration m023), ``helped_facts`` (the Auswertung).
"""

# The errors callers catch as ``storage.ConflictError`` etc. (re-exported, explicit alias).
from journeys.errors import ConflictError as ConflictError
from journeys.errors import InputError as InputError
from journeys.errors import InUseError as InUseError
from journeys.errors import NotFoundError as NotFoundError

# The rooms, reached as ``storage.<room>``; then every public name of the aggregates.
from journeys.storage import (
    access,
    analysis_facts,
    analysis_scan,
    audit,
    backup,
    dependencies,
    drafts,
    erasure,
    family_list,
    goals,
    join_address,
    outreach,
    participation,
    privacy,
    replicate,
    safety_copies,
    schema_check,
    scope,
    sozialraum_profiles,
    step_context,
    teams,
    throttle,
    tickets,
    usage_index,
    workshops,
)
from journeys.storage.analysis_queries import *
from journeys.storage.analysis_scope import *
from journeys.storage.archetype_sources import *
from journeys.storage.catalogue import *
from journeys.storage.core import *
from journeys.storage.database import *
from journeys.storage.datasets import *
from journeys.storage.families import *
from journeys.storage.family_resources import *
from journeys.storage.helped import *
from journeys.storage.helped_facts import *
from journeys.storage.journey_steps import *
from journeys.storage.resource_types import *
from journeys.storage.schema import *
from journeys.storage.soll import *
from journeys.storage.sozialraum_resources import *
from journeys.storage.tags import *
from journeys.storage.taxonomy import *
