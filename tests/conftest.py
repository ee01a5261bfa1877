"""Shared fixtures: where the shipped corpus and the shared real reports are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus-real"
EXPECTED = REAL / "expected"
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite golden files under tests/data from the current output (review the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


def real_report(name: str) -> Path:
    """A file of ../shared/corpus-real, or skip the test when that folder is absent."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus-real is absent)")
    return path
