"""Start-up cost: ``cunwu --help``, the first frame, and the database ready.

Run: python benchmarks/startup.py [--runs 10]
Prints medians; write them in benchmarks/README.md with the machine and date.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_FRAME = r"""
import json, sys, time
t0 = time.perf_counter()
from cunwu_tui.ui.app import CunwuApp
t_import = time.perf_counter()
marks = {}

class Probe(CunwuApp):
    # Textual calls every class's on_mount: CunwuApp's runs without super() (calling it here
    # started a second database worker)
    def on_mount(self):
        self.call_after_refresh(lambda: marks.setdefault("frame", time.perf_counter()))
        self.set_interval(0.005, self._poll)

    def _poll(self):
        if self.services is not None and "db" not in marks:
            marks["db"] = time.perf_counter()
        if "db" in marks and "frame" in marks:
            self.exit()

app = Probe(sys.argv[1])
app.run(headless=True, size=(80, 24))
print(json.dumps({"import": t_import - t0, "frame": marks["frame"] - t0, "db": marks["db"] - t0}))
"""


def as_installed() -> None:
    """The package's bytecode written, as an installed copy has it (pip and
    the offline bundle compile at install). An editable install run with
    PYTHONDONTWRITEBYTECODE=1 (as on the development machines) compiles
    every module of the app from source at every start, while Textual's
    come compiled: the first frame measured that, not the app."""
    import compileall

    import cunwu_tui

    compileall.compile_dir(str(Path(cunwu_tui.__file__).parent), quiet=1)


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    as_installed()

    helps = []
    for _ in range(args.runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cunwu_tui", "--help"], capture_output=True, check=True)
        helps.append(time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.db")
        subprocess.run(
            [sys.executable, "-m", "cunwu_tui", "--db", url.removeprefix("sqlite:///"), "demo"],
            capture_output=True,
            check=True,
        )
        runs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", FIRST_FRAME, url], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"cunwu --help (whole process):        {median_ms(helps)}")
    print(f"import cunwu_tui.ui.app:             {median_ms([r['import'] for r in runs])}")
    print(f"first frame (from interpreter up):   {median_ms([r['frame'] for r in runs])}")
    print(f"database open and migrated (worker): {median_ms([r['db'] for r in runs])}")


if __name__ == "__main__":
    main()
