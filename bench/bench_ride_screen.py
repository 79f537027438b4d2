"""What the ride screen costs the UI thread each second: the tiles' figures, the tiles, the
countdown and the chart for one sample, and a full repaint of the screen at 1280x800."""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime

from app.core.ports import TrainerReading
from app.core.ride.session import RideSession, status_of
from app.core.workouts.model import RepeatBlock, Step, StepKind, Workout
from app.runtime.ride_control import RideInfo
from bench.harness import Figure

SECONDS = 1200
FTP_W = 250.0


def _workout() -> Workout:
    def steady(duration_s: float, fraction: float) -> Step:
        return Step(StepKind.STEADY, duration_s, fraction, fraction)

    return Workout(
        "bench",
        (
            steady(300, 0.5),
            RepeatBlock(8, (steady(60, 1.2), steady(60, 0.5))),
        ),
    )


def run() -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.theme.style import FUSION_ARGS, apply_theme, mark_fusion
    from app.ui.views.ride_view import RideView

    app = QApplication.instance() or QApplication(["bench", *FUSION_ARGS])
    mark_fusion(app)  # type: ignore[arg-type]
    apply_theme(app)  # type: ignore[arg-type]
    session = RideSession(_workout(), ftp_w=FTP_W)
    session.start()
    info = RideInfo("bench", session.workout, FTP_W, datetime.now(UTC), session.profile(),
                    session.duration_s)  # fmt: skip
    view = RideView()
    view.resize(1080, 780)
    view.show()
    view._reset_for(info)
    app.processEvents()
    update_ms: list[float] = []
    repaint_ms: list[float] = []
    for second in range(SECONDS):
        power = 280.0 if (second // 60) % 2 else 130.0
        tick = session.tick(TrainerReading(power, 90.0, 140.0, 9.0))
        status = status_of(session)
        t0 = time.perf_counter()
        view.on_sample(tick.sample, status)
        t1 = time.perf_counter()
        view.repaint()
        t2 = time.perf_counter()
        update_ms.append((t1 - t0) * 1e3)
        repaint_ms.append((t2 - t1) * 1e3)
    view.close()
    p95 = statistics.quantiles(update_ms, n=20)[-1]
    return [
        Figure("ride screen: update per sample (figures, tiles, countdown, chart)",
               statistics.median(update_ms), "ms", f"p95 {p95:.2f} ms, {SECONDS} s ride"),
        Figure("ride screen: full repaint at 1080x780", statistics.median(repaint_ms), "ms",
               f"p95 {statistics.quantiles(repaint_ms, n=20)[-1]:.1f} ms, offscreen raster"),
    ]  # fmt: skip
