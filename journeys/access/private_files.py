"""Files the program writes for people to take away (exports, reports): owner only.

Exports and reports hold social data or figures about families. Created with the usual
umask (0644) they would be readable by every local user of a shared server, so every
such file is created 0600 (``open_private``). Databases and backups get the same through
``storage.create_private``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO


def open_private(path: Path) -> BinaryIO:
    """A new file at ``path``, readable and writable by its owner only (0600), for writing.

    Meant for the temporary ``.part`` file that is moved onto the target at the end: a
    stale one is removed first, then the file is created exclusively and without
    following a link, so nothing planted at that name is written through.
    """
    path.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")
