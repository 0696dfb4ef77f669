"""Access: who may sign in, who may do and see what, and how personal data is kept safe.

The rooms of this package (import the module you need; this face re-exports nothing):

The access policy itself (roles and the one table of what each role may do:
``journeys.models.permissions``), the account rules (``journeys.models.accounts``) and the
throttle's delays (``journeys.models.throttle``) are records and rules that storage applies,
so they sit with the models below storage.

- ``visibility``: which teams' families and which health tags one signed-in user sees.
- ``first_start``: the first administrator and first team of a fresh installation.
- ``pii``: the personal-data check of free text (names, addresses, dates of birth …).
- ``auditlog``: the audit log as people read it (labels, table, CSV export).
- ``erasure``: erasure and anonymisation of a family, the retention period.
- ``backup``: backup and restore of the whole database; ``restore_guard`` checks a file
  before it may become the database; ``safety_copies`` keeps and deletes the copies
  under the retention rules.
- ``private_files``: files for people to take away, written readable by their owner only.

Consent is part of the case model (``journeys.models``) and its storage
(``journeys.storage.privacy``). The SQL of every room lives in ``journeys.storage``
(``journeys.storage.access`` for accounts and sessions, not to be confused with this package).
"""
