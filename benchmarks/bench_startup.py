"""Start-up: nearer's home screen first paint, and its memory then, against a bare Textual app.

Each run is a fresh `python` process, started the way a user starts it: nearer through
`python -m nearer` (the real command line, `nearer.cli.main`), the baseline through
`benchmarks/hello_app.py` (one App, one Static). The parent writes `time.time()` into the child's
environment just before spawning it; the child, on the app's first `events.Ready` (Textual posts it
after the first layout of the screen, when the first frame is composed), prints the time since
then and its peak RSS (`ru_maxrss`), and exits. It also prints the time at the next refresh after
Ready, to show that no frame is still pending, and for nearer the screen on display and how many
rituals its list holds, so a "first paint" of an empty or wrong screen cannot pass unnoticed.

How the child hooks in, identically for both apps: before running the app's own entry point it
patches `textual.app.App` so `run()` is headless at a fixed size and an `on_ready` handler reports
and exits. Headless still lays out and renders every widget into the compositor's strips; it skips
only turning those strips into escape codes and writing them, which costs both apps the same for
the same screen size.

nearer starts on its home screen: settings with two names are written into a temporary
NEARER_CONFIG_DIR, and the journal lives in a temporary NEARER_DATA_DIR, created by a warm-up run
(someone who has used nearer once has a journal). The warm-up runs also compile bytecode: this
workplace sets PYTHONDONTWRITEBYTECODE, which would make nearer (a source checkout) recompile each
module on every run while Textual's wheel has its .pyc; the children instead keep bytecode in a
temporary PYTHONPYCACHEPREFIX, as an installed nearer would have it.

Runs alternate hello/nearer (ABBA order) so machine drift falls on both; the ratio is of the two
medians, and the median of the per-pair ratios is printed beside it.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15] [--user-rituals 500] [--src DIR]

Budgets (DESIGN.md §8): first paint <= 1.25x the hello-world's, RSS <= 1.3x.
"""

# The child runs this same file: only the modules it needs are imported at the top, so its own
# start-up adds almost nothing to either app's figure.
from __future__ import annotations

import os
import sys
import time

SIZE = (120, 40)
BUDGET_TIME = 1.25
BUDGET_RSS = 1.3


def child(target: str) -> None:
    """Run one app until its first Ready; print what was measured as one line of JSON."""
    start = float(os.environ["BENCH_START"])
    import resource
    import runpy

    from textual.app import App

    original_run = App.run

    def headless_run(self: App, **kwargs: object) -> object:
        return original_run(self, **{**kwargs, "headless": True, "size": SIZE})

    def on_ready(self: App) -> None:
        ready = time.time()
        rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        screen = self.screen

        def rituals_listed() -> int | None:
            try:
                return screen.query_one("#rituals").option_count
            except Exception:  # noqa: BLE001 - the hello-world has no ritual list
                return None

        at_ready = rituals_listed()

        def report() -> None:
            import json

            result = {
                "ready_ms": (ready - start) * 1000,
                "filled_ms": (time.time() - start) * 1000,
                "rss_kib": rss_kib,
                "screen": type(screen).__name__,
                "rituals_at_ready": at_ready,
                "rituals": rituals_listed(),
            }
            print(json.dumps(result), file=sys.__stdout__, flush=True)
            self.exit()

        def wait_until_filled() -> None:
            # Home may paint its frame first and list the rituals just after: "filled" is the
            # refresh after the list has rows (for the hello-world, the refresh after Ready).
            if rituals_listed() == 0 and time.time() - ready < 60:
                self.set_timer(0.001, wait_until_filled)
            else:
                self.call_after_refresh(report)

        wait_until_filled()

    App.run = headless_run  # type: ignore[method-assign]
    App.on_ready = on_ready  # type: ignore[attr-defined]
    if target == "nearer":
        sys.argv = ["nearer"]
        runpy.run_module("nearer", run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target]
        runpy.run_path(target, run_name="__main__")


def main() -> int:
    import argparse
    import atexit
    import json
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from _common import ROOT, generate_rituals, median

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each app (default 15)")
    parser.add_argument(
        "--user-rituals", type=int, default=0, metavar="N",
        help="first install N generated user rituals (copies of the vulnerable_chat fixture)",
    )
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src",
        help="the nearer source folder to run (another checkout's, to measure a change)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nearer-bench-startup-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    config, data = work / "config", work / "data"
    config.mkdir()
    (config / "settings.toml").write_text(
        'partner_a = "Sam"\npartner_b = "Alex"\nseen_intro = true\n'
    )
    if args.user_rituals:
        generate_rituals(config / "rituals", args.user_rituals)
    env = {
        key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        PYTHONPATH=str(args.src.resolve()),
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
        NEARER_CONFIG_DIR=str(config),
        NEARER_DATA_DIR=str(data),
    )
    hello = str(ROOT / "benchmarks" / "hello_app.py")
    targets = {"hello": hello, "nearer": "nearer"}

    def measure(name: str) -> dict:
        command = [sys.executable, __file__, "--child", targets[name]]
        env["BENCH_START"] = repr(time.time())
        result = subprocess.run(command, env=env, capture_output=True, timeout=120, cwd=work)
        lines = [line for line in result.stdout.decode().splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            raise SystemExit(
                f"{name} did not reach Ready (exit {result.returncode}):\n"
                f"{result.stdout.decode()[-2000:]}{result.stderr.decode()[-4000:]}"
            )
        return json.loads(lines[-1])

    for name in targets:  # warm-up: bytecode, page cache, nearer's journal
        measure(name)
    runs: dict[str, list[dict]] = {"hello": [], "nearer": []}
    for index in range(args.runs):
        order = ("hello", "nearer") if index % 2 == 0 else ("nearer", "hello")
        for name in order:
            runs[name].append(measure(name))

    screens = {run["screen"] for run in runs["nearer"]}
    listed = {run["rituals"] for run in runs["nearer"]}
    if screens != {"HomeScreen"} or not all(listed):
        raise SystemExit(f"nearer did not show its home screen with rituals: {screens}, {listed}")
    at_ready = sorted({run["rituals_at_ready"] for run in runs["nearer"]})

    def figures(key: str) -> tuple[float, float, float, float]:
        h = [run[key] for run in runs["hello"]]
        n = [run[key] for run in runs["nearer"]]
        paired = median([b / a for a, b in zip(h, n)])
        return median(h), median(n), median(n) / median(h), paired

    print(
        f"start-up, headless {SIZE[0]}x{SIZE[1]}, median of {args.runs} alternating runs each; "
        f"python {sys.version.split()[0]}"
    )
    print(
        f"nearer: python -m nearer, home screen; {max(listed)} rows in the ritual list "
        f"({'/'.join(map(str, at_ready))} of them at Ready)"
        f"{f'; {args.user_rituals} user rituals' if args.user_rituals else ''}"
    )
    print("hello:  python benchmarks/hello_app.py, one Static")
    ok = True
    rows = [
        ("first paint (Ready)", "ready_ms", "ms", 1.0, BUDGET_TIME),
        ("rituals listed, painted", "filled_ms", "ms", 1.0, None),
        ("peak RSS at Ready", "rss_kib", "MiB", 1024.0, BUDGET_RSS),
    ]
    print(f"{'':28}{'hello':>10}{'nearer':>10}{'ratio':>8}{'paired':>8}   budget")
    for label, key, unit, scale, budget in rows:
        h, n, ratio, paired = figures(key)
        verdict = ""
        if budget is not None:
            over = ratio > budget
            ok &= not over
            verdict = f"<= {budget:.2f}x {'OVER' if over else 'ok'}"
        print(f"{label + ' (' + unit + ')':28}{h / scale:10.1f}{n / scale:10.1f}"
              f"{ratio:7.2f}x{paired:7.2f}x   {verdict}")
    print("(hello's \"rituals listed\" is its first refresh after Ready; paired = median of the "
          "per-pair ratios)")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        raise SystemExit(main())
