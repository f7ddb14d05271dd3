"""What the browser tests share: the Chromium to drive, the phone screen, the traffic log."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}  # a common phone in CSS pixels
EXE = shutil.which("overdue", path=str(Path(sys.executable).parent)) or "overdue"


@dataclass
class Traffic:
    """Every URL the page asked for, and those refused for going to another host."""

    local: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
