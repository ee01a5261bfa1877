"""Shared fixtures: where the shipped corpus, our expected values and the shared real reports are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus-real"
EXPECTED = REAL / "expected"  # the real reports' expected values (outside the repository)
DATA = Path(__file__).resolve().parent / "data"
SEED_EXPECTED = DATA / "expected"  # seedNNN.json: the seeds are our own corpus, their values live here


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite golden files under tests/data from the current output (review the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


def check_golden(golden: Path, got: str, update: bool) -> None:
    """Compare with a golden file; ``--update-golden`` rewrites it, a missing one is a failure."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    elif not golden.exists():
        pytest.fail(f"golden file {golden.name} is missing: run pytest --update-golden, review and commit it")
    assert got == golden.read_text(encoding="utf-8")


def real_report(name: str) -> Path:
    """A file of ../shared/corpus-real, or skip the test when that folder is absent."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/corpus-real is absent)")
    return path
