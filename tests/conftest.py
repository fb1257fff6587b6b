"""Test fixtures.

Fixture strategy: tests use the smallest data that proves the point. Real list files and
nomenclatures come from the shared data folder, found through ONE fixture (``shared_data``):
env var COMPLIANCE_SHARED_DATA, default ../shared/data next to the repository. On a laptop
without it those tests skip; in CI (env CI set) a missing folder is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _shared_data_dir() -> Path:
    env = os.environ.get("COMPLIANCE_SHARED_DATA")
    return Path(env) if env else (REPO_ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = _shared_data_dir()
    if not (path / "MANIFEST.md").is_file():
        message = f"shared data folder not found at {path} (set COMPLIANCE_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's real data dir (imported lists, decisions)."""
    import compliance.settings as settings

    monkeypatch.setattr(settings, "DATA_DIR", tmp_path_factory.mktemp("data"))
    monkeypatch.setattr(settings, "DB_PATH", None)
