"""Where Zugangsatlas finds its own files, and where it keeps a user's database by default.

The one place that knows the layout. A source checkout (``git clone``, also after
``pip install -e .``) holds ``app.py``, ``pages/`` and ``data/`` next to ``journeys/``. An
installed wheel holds the same files in the package ``zugangsatlas`` next to ``journeys/``
in site-packages (``pyproject.toml`` maps the checkout's top level onto that package).

The database never goes into site-packages: a checkout keeps it in its ``data/`` folder
(ignored by git, as ``make run`` always did), an installed copy in the user's data folder
(``$XDG_DATA_HOME/zugangsatlas``, ``~/.local/share/zugangsatlas``; on Windows
``%LOCALAPPDATA%\\zugangsatlas``). ``$ZUGANGSATLAS_DB`` overrides both (journeys/storage).
"""

from __future__ import annotations

import os
from pathlib import Path

# The script `streamlit run` starts (serve.py: app.py with the sign-in and download routes);
# the installed `zugangsatlas start` runs the same one.
APP_SCRIPT_NAME = "serve.py"

_PARENT = Path(__file__).resolve().parent.parent  # the checkout, or site-packages


def _holds_the_app(folder: Path) -> bool:
    scripts = (folder / APP_SCRIPT_NAME, folder / "app.py")
    return all(script.is_file() for script in scripts) and (folder / "data" / "i18n").is_dir()


# True in a source checkout, False in an installed wheel.
CHECKOUT = _holds_the_app(_PARENT)
# The folder with app.py, pages/, data/ and .streamlit/config.toml.
APP_DIR = _PARENT if CHECKOUT else _PARENT / "zugangsatlas"
APP_SCRIPT = APP_DIR / APP_SCRIPT_NAME
# Everything the program reads: texts, taxonomy, templates, archetypes, PII lists, schema.
DATA_DIR = APP_DIR / "data"


def user_data_dir() -> Path:
    """The folder of an installed copy's database (and its backups)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "zugangsatlas"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "zugangsatlas"


def default_db_path() -> Path:
    """The database when neither ``--db`` nor ``$ZUGANGSATLAS_DB`` names one."""
    folder = DATA_DIR if CHECKOUT else user_data_dir()
    return folder / "zugangsatlas.db"
