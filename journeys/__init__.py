"""The case side of Zugangsatlas: families, their journeys, and everything kept about them.

Plain Python, no Streamlit: usable from a notebook, the command line or the app. Its rooms,
from the top down (each imports only the ones below it; docs/architecture.md):

- ``exchange`` (files in and out: JSON dataset, spreadsheet import, event log) and
  ``workshops`` (a group walks through a journey, votes, agrees measures);
- ``access`` (accounts, roles and permissions, visibility, personal-data check, audit,
  erasure, backup), ``journeymap`` (one journey drawn with Graphviz), ``archetypes``
  (persona journeys) and ``soll`` (Ist and Soll compared);
- ``demo`` (synthetic demo families);
- ``storage`` (every SQL statement, the schema and its migrations);
- ``reference`` (the barrier taxonomy, stages, services) and ``documents`` (safe CSV, Word
  house style, Markdown);
- ``models`` (the records every layer shares, the single source of truth);
- ``errors``, ``formats``, ``i18n`` and ``paths``.
"""
