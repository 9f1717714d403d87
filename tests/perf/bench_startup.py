"""Cold start to the first screen with data, against the floor our dependencies set.

Each run is a new process. The baseline imports PySide6's widgets and SQLAlchemy's ORM and
shows an empty QMainWindow; Hirebench opens a 100,000-candidate database made by
`hirebench seed` and shows the Jobs screen with its rows. Both report the moment their window
is first painted (with data, for Hirebench) and quit; we time launch → painted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from tests.perf.support import ROOT, bench, seeded_database

RUNS = 11
BASELINE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import sqlalchemy.orm  # noqa: F401

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, finish)
        return False

def finish():
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    print(f"HIREBENCH_PAINTED {time.time():.6f} rows=0 peak_kb={peak}", flush=True)
    app.quit()

probe = Probe()
window.installEventFilter(probe)
window.show()
app.exec()
"""


def _launch(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds from launch to first paint, peak RSS in MB, and the probe's line."""
    started = time.time()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True
    )
    _pid, status, _usage = os.wait4(process.pid, 0)
    output = process.stdout.read()
    errors = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    marker = [line for line in output.splitlines() if line.startswith("HIREBENCH_PAINTED")]
    if status != 0 or not marker:
        raise RuntimeError(f"{command} failed ({status}): {errors[-2000:]}")
    painted = float(marker[0].split()[1])
    # The child's own high-water mark: wait4's ru_maxrss would include the forked parent.
    peak_kb = int(marker[0].split("peak_kb=")[1].split()[0])
    return painted - started, peak_kb / 1024, marker[0]


def test_cold_start_against_baseline() -> None:
    database = seeded_database()
    home = tempfile.mkdtemp(prefix="hirebench-bench-home-")
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", HIREBENCH_HOME=home, HIREBENCH_STARTUP_PROBE="1"
    )
    app_command = [sys.executable, "-m", "app", "--database", str(database)]
    baseline_command = [sys.executable, "-c", BASELINE]
    # The app's bytecode is compiled, as an installed one's is (tests/perf/conftest.py).
    _launch(app_command, env)  # warm the page cache for both
    _launch(baseline_command, env)
    app_times, app_memory, base_times, base_memory = [], [], [], []
    last_marker = ""
    for _ in range(RUNS):  # interleaved, so machine noise hits both alike
        seconds, memory, _line = _launch(baseline_command, env)
        base_times.append(seconds)
        base_memory.append(memory)
        seconds, memory, last_marker = _launch(app_command, env)
        app_times.append(seconds)
        app_memory.append(memory)
    rows = int(last_marker.split("rows=")[1].split()[0])
    assert rows > 0, "the first screen showed no data"
    baseline = statistics.median(base_times)
    hirebench = statistics.median(app_times)
    bench("startup_baseline", baseline, "s")
    bench("startup_hirebench", hirebench, "s", f"target<={1.5 * baseline:.3f}")
    bench("startup_ratio", hirebench / baseline, "x", "target<=1.5")
    bench("startup_peak_rss_baseline", max(base_memory), "MB")
    bench("startup_peak_rss_hirebench", max(app_memory), "MB")
    print(f"first screen rows: {rows}; runs: {RUNS}; database: {database}")
