"""The ``zugangsatlas`` command line: a face beside the Streamlit app, for admins and jobs.

It sits on top like ``app.py`` and ``pages/``: it calls ``journeys`` and ``barriers``
(the committee report), and nothing below imports it. Its rooms (this face re-exports
nothing; the ``zugangsatlas`` program is ``cli.main:main``):

- ``main``: the parser, the import/export/report/backup/restore commands, ``main()``.
- ``demo``: ``zugangsatlas demo`` (write or remove the synthetic demo families).
- ``users``: ``zugangsatlas user add|unlock`` (accounts for administrators on the server).
- ``launch``: ``zugangsatlas start`` (the web app of this installation, served by Streamlit).
- ``german``: argparse's own texts in German (``data/i18n/de/cli/argparse.toml``).
"""
