"""Make this checkout importable as ansible_collections.sagebox.notebook for the unit tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".cache" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "sagebox" / "notebook"

if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(ROOT, LINK.parent), LINK)
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


@pytest.fixture
def install_helper_library():
    """Install the modules' code beside the host's helpers in a directory, as notebook_instance_controls does."""
    from ansible_collections.sagebox.notebook.plugins.modules.notebook_instance_controls import library_files

    def install(directory) -> None:
        for spec in library_files(str(directory)):
            path = Path(spec["path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(spec["content"])
    return install
