"""bench/bench_ble.py works: one short iteration of every measurement (no timing asserted)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `bench` is not an installed package
    sys.path.insert(0, str(ROOT))

from bench import bench_ble  # noqa: E402
from bench.harness import Figure  # noqa: E402


def test_each_measurement_runs_once() -> None:
    assert len(bench_ble.measure_notification_latency(3)) == 3
    assert len(bench_ble.measure_control_round_trip(2)) == 2
    for backoff in (False, True):
        reconnect = bench_ble.measure_reconnect(1, backoff=backoff)
        assert len(reconnect.restored_s) == len(reconnect.supervisor_s) == 1
        assert reconnect.attempts and all(a >= 1 for a in reconnect.attempts)
    cpu = bench_ble.measure_cpu(10)
    assert cpu.notifications == 10 and cpu.whole_s >= 0 and cpu.link_s >= 0


def test_run_gives_one_finite_figure_per_measurement() -> None:
    figures = bench_ble.run(bench_ble.QUICK)
    assert [type(f) for f in figures] == [Figure] * 6
    assert len({f.name for f in figures}) == 6
    for figure in figures:
        assert figure.name.startswith("ble: ") and figure.unit == "ms"
        assert math.isfinite(figure.value) and figure.value >= 0
