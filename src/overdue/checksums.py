"""SHA-256 of files, for manifests (the nightly run's, the litigation batch's)."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_sha256"]


def file_sha256(path: Path) -> str:
    """The file's SHA-256 as hex, read in pieces (hashing releases the GIL, so files can be
    hashed on threads beside other work)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
