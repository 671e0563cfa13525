"""What the benchmarks share: summary statistics and ritual files generated for load tests."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was really measured, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def generate_rituals(folder: Path, count: int) -> None:
    """`count` valid rituals named ritual_000.. (the vulnerable_chat fixture, each id changed),
    the same files bench_check.py checks."""
    folder.mkdir(parents=True, exist_ok=True)
    text = FIXTURE.read_text()
    for number in range(count):
        name = f"ritual_{number:03d}"
        body = text.replace('id = "vulnerable_chat"', f'id = "{name}"')
        body = body.replace("seconds = 300", f"seconds = {300 + number}")
        (folder / f"{name}.toml").write_text(body)
