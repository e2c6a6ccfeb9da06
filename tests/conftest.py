"""Shared test fixtures: the seeds and labelled data live in ../shared (never copied here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSFOLD_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seeds not found at {SEEDS} (set NEWSFOLD_SHARED)"
    return SEEDS


@pytest.fixture(scope="session")
def data_dir() -> Path:
    assert DATA.is_dir(), f"labelled data not found at {DATA} (set NEWSFOLD_SHARED)"
    return DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def run_tasks_calls(monkeypatch):
    """Every ``newsfold.workers.run_tasks`` call of the test, as (function name, number of
    tasks, workers): which stages went to worker processes."""
    from newsfold import workers as workers_

    calls = []
    real = workers_.run_tasks

    def spy(fn, tasks, state, workers):
        tasks = list(tasks)
        calls.append((fn.__name__, len(tasks), workers))
        return real(fn, tasks, state, workers)

    monkeypatch.setattr(workers_, "run_tasks", spy)
    return calls
