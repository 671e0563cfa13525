"""How long `nearer check` takes, as a user runs it: a fresh `python -m nearer check` process.

Prints the median wall time of several runs on one ritual file and on 500 generated ritual files
(in a temporary folder), the per-file ratio of the two (about 1/500 of the 500-file time per file
would be perfectly linear; the fixed start-up cost makes the ratio small), and the budgets from
DESIGN.md §8: one file <= 80 ms, 500 files <= 1 s.

    .venv/bin/python benchmarks/bench_check.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
BUDGET_ONE = 0.080
BUDGET_MANY = 1.0
MANY = 500


def wall_time(args: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(args, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"nearer check failed:\n{result.stdout.decode()[-2000:]}{result.stderr.decode()}")
    return statistics.median(times)


def generate(folder: Path, count: int) -> None:
    text = GOOD.read_text()
    for number in range(count):
        name = f"ritual_{number:03d}"
        body = text.replace('id = "vulnerable_chat"', f'id = "{name}"')
        body = body.replace("seconds = 300", f"seconds = {300 + number}")
        (folder / f"{name}.toml").write_text(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        # An empty config folder: the numbers must not depend on someone's own rituals.
        "NEARER_CONFIG_DIR": tempfile.mkdtemp(prefix="nearer-bench-config-"),
    }
    command = [sys.executable, "-m", "nearer", "check"]
    bare = wall_time([sys.executable, "-c", "pass"], env, runs)
    one = wall_time([*command, str(GOOD)], env, runs)
    with tempfile.TemporaryDirectory(prefix="nearer-bench-") as folder:
        generate(Path(folder), MANY)
        many = wall_time([*command, folder], env, runs)
    per_file = (many - one) / (MANY - 1)
    print(f"command: {' '.join(command)} PATH  (median of {runs} runs)")
    print(f"bare python start-up:  {bare * 1000:7.1f} ms")
    print(f"check 1 file:          {one * 1000:7.1f} ms   budget {BUDGET_ONE * 1000:.0f} ms"
          f"   {'ok' if one <= BUDGET_ONE else 'OVER'}")
    print(f"check {MANY} files:       {many * 1000:7.1f} ms   budget {BUDGET_MANY * 1000:.0f} ms"
          f"   {'ok' if many <= BUDGET_MANY else 'OVER'}")
    print(f"ratio {MANY} files / 1 file: {many / one:5.1f}x")
    print(f"each extra file:       {per_file * 1000:7.2f} ms  "
          f"(fixed cost {max(one - per_file, 0) * 1000:.1f} ms)")
    return 0 if one <= BUDGET_ONE and many <= BUDGET_MANY else 1


if __name__ == "__main__":
    raise SystemExit(main())
