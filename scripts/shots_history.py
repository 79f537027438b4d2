"""Render the History screen and the resume prompt offscreen, to look at them.

    .venv/bin/python scripts/shots_history.py [OUT_DIR] [--scale 2]

The views sit in a stand-in for the main window (the same sidebar and status bar, styled
by the app theme) at 1280×800, over a made-up history of nine rides: one interrupted, one
whose upload failed, one waiting, one in the trash.

1. history.png: the list with a ride selected (figures, chart, time in zone, export, delete)
   history-confirm.png: the inline "Move to trash?" question
   history-undo.png: the ride moved to the trash, the notice offering Undo
   history-trash.png: "Show trash" on, a trashed ride selected with Restore
2. resume.png: the launch prompt over the library for the first of two interrupted rides
   resume-discard.png: its inline "Discard?" question
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.ride.samples import Sample

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
FTP_W = 250.0
NAV = ("Library", "Ride", "History")

# name, steps (seconds, fraction of FTP; None = free ride), days ago, hour, minute, sync
_RIDES: tuple[tuple[str, list[tuple[int, float | None]], int, int, int, str], ...] = (
    (
        "VO2 Max 5x4",
        [(600, 0.55), *[(240, 1.15), (240, 0.5)] * 5, (480, 0.5)],
        1,
        18,
        40,
        "waiting",
    ),
    (
        "Endurance 90",
        [(600, 0.55), (4500, 0.68), (300, 0.5)],
        2,
        7,
        5,
        "uploaded",
    ),
    (
        "Threshold 2x20",
        [(720, 0.6), (1200, 0.97), (300, 0.5), (1200, 0.97), (480, 0.5)],
        4,
        17,
        55,
        "failed",
    ),
    ("Recovery Spin 30", [(1800, None)], 6, 12, 15, "uploaded"),
    (
        "Over-Unders 60",
        [(600, 0.55), *[(120, 0.95), (60, 1.08)] * 10, (600, 0.5)],
        8,
        18,
        10,
        "uploaded",
    ),
    (
        "Sweet Spot 3x15",
        [(600, 0.6), *[(900, 0.9), (300, 0.55)] * 3, (300, 0.5)],
        11,
        6,
        50,
        "uploaded",
    ),
    ("Tempo 75", [(600, 0.6), (3600, 0.8), (300, 0.5)], 14, 19, 30, "uploaded"),
)


@dataclass(frozen=True, slots=True)
class Listing:
    id: str
    workout_name: str
    started_at: datetime
    state: str
    moving_s: int
    tss: float | None
    avg_power_w: float | None
    np_w: float | None
    sync_state: str
    trashed: bool


def ride_samples(
    steps: list[tuple[int, float | None]], seed: int, stop_s: int | None = None
) -> list[Sample]:
    """A believable ride: power around the target with drift, HR lagging, a short pause."""
    from app.core.ports import TrainerMode
    from app.core.ride.samples import Sample

    rng = random.Random(seed)
    out: list[Sample] = []
    t = elapsed = 0
    distance = 0.0
    hr = 95.0
    drift = 0.0
    pause_at = rng.randrange(900, 1500)
    for duration, frac in steps:
        for _ in range(duration):
            if stop_s is not None and t >= stop_s:
                return out
            if elapsed == pause_at:  # a 40-second pause (a bottle, a door)
                for _ in range(40):
                    out.append(
                        Sample(
                            elapsed,
                            float(t),
                            None,
                            None,
                            hr,
                            0.0,
                            distance,
                            None,
                            TrainerMode.ERG,
                            None,
                            paused=True,
                        )
                    )
                    elapsed += 1
            drift = drift * 0.95 + rng.gauss(0, 0.8)
            if frac is None:
                target = None
                power = 140 + 25 * math.sin(t / 200) + drift * 3 + rng.gauss(0, 4)
                mode = TrainerMode.RESISTANCE
            else:
                target = round(frac * FTP_W)
                power = target + drift + rng.gauss(0, 2.5)
                mode = TrainerMode.ERG
            power = max(power, 0.0)
            hr += ((95 + 0.42 * power) - hr) / 25
            speed = 3.2 * power ** (1 / 3)
            distance += speed
            out.append(
                Sample(
                    elapsed,
                    float(t),
                    round(power),
                    88 + rng.gauss(0, 2),
                    round(hr),
                    speed,
                    distance,
                    target,
                    mode,
                    None,
                )
            )
            t += 1
            elapsed += 1
    return out


class FakeHistory:
    """The History port over dicts: what RideHistory gives the view, without rides.db."""

    def __init__(self) -> None:
        self.listings: dict[str, Listing] = {}
        self.data: dict[str, list[Sample]] = {}

    def add(self, listing: Listing, samples: list[Sample]) -> None:
        from app.core.ride.samples import summarize

        summary = summarize(samples, FTP_W)
        complete = listing.state == "complete"
        self.listings[listing.id] = replace(
            listing,
            moving_s=summary.moving_s,
            tss=summary.tss if complete else None,
            avg_power_w=summary.avg_power_w if complete else None,
            np_w=summary.np_w if complete else None,
        )
        self.data[listing.id] = samples

    def rides(self, *, include_trash: bool = False) -> list[Listing]:
        rides = sorted(self.listings.values(), key=lambda r: r.started_at, reverse=True)
        return [r for r in rides if include_trash or not r.trashed]

    def samples(self, ride_id: str) -> list[Sample]:
        return self.data[ride_id]

    def trash(self, ride_id: str) -> None:
        self.listings[ride_id] = replace(self.listings[ride_id], trashed=True)

    def restore(self, ride_id: str) -> None:
        self.listings[ride_id] = replace(self.listings[ride_id], trashed=False)


def make_history(now: datetime) -> FakeHistory:
    history = FakeHistory()
    local = now.astimezone()

    def at(days: int, hour: int, minute: int) -> datetime:
        day = local - timedelta(days=days)
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    # the interrupted rides: this morning's (2530 s recorded), and one from last week
    sweet = next(steps for name, steps, *_ in _RIDES if name == "Sweet Spot 3x15")
    interrupted = Listing(
        "r-int",
        "Sweet Spot 3x15",
        at(0, 7, 12),
        "interrupted",
        0,
        None,
        None,
        None,
        "not queued",
        False,
    )
    history.add(interrupted, ride_samples(sweet, 1, stop_s=2530))
    for i, (name, steps, days, hour, minute, sync) in enumerate(_RIDES):
        listing = Listing(
            f"r{i}", name, at(days, hour, minute), "complete", 0, None, None, None, sync, False
        )
        history.add(listing, ride_samples(steps, 10 + i))
    older = Listing(
        "r-old-int",
        "Endurance 90",
        at(9, 6, 30),
        "interrupted",
        0,
        None,
        None,
        None,
        "not queued",
        False,
    )
    history.add(older, ride_samples(_RIDES[1][1], 40, stop_s=1510))
    trashed = Listing(
        "r-trash", "Quick Spin 20", at(5, 21, 5), "complete", 0, None, None, None, "uploaded", True
    )
    history.add(trashed, ride_samples([(300, 0.5), (900, 0.7)], 50))
    return history


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    args = kit.arg_parser(__doc__).parse_args(argv)

    import tempfile

    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from app.infra.paths import app_paths
    from app.services.library import open_library
    from app.ui.ports.history import InterruptedRide
    from app.ui.views.history import HistoryView
    from app.ui.views.library import LibraryView
    from app.ui.widgets.resume_prompt import ResumePrompt

    kit.themed_app(args.scale)
    out: Path = args.out
    now = datetime.now(UTC)
    history = make_history(now)
    exports: list[tuple[str, Path, str]] = []
    shell = partial(kit.shell, navs=NAV, status="Offline · simulated trainer", ftp_w=FTP_W)

    # 1. history
    view = HistoryView(
        history,
        lambda ride_id, path, kind: exports.append((ride_id, path, kind)),
        FTP_W,
    )
    window = shell(view, "History")
    view.select_ride("r0")
    view.table.setFocus()
    kit.save(window, out / "history.png")
    view.ask_delete()
    kit.save(window, out / "history-confirm.png")
    view.confirm_delete()
    kit.save(window, out / "history-undo.png")
    view.set_show_trash(True)
    view.select_ride("r0")
    kit.save(window, out / "history-trash.png")
    window.close()

    # 2. the resume prompt at launch, over the library
    home = Path(tempfile.mkdtemp(prefix="freewheel-shots-"))
    library = LibraryView(open_library(app_paths(home)), FTP_W)
    library.populate()
    library.finish_setup()
    interrupted = [
        InterruptedRide(r.id, r.workout_name, r.started_at, float(r.moving_s + 40))
        for r in history.rides()
        if r.state == "interrupted"
    ]
    prompt = ResumePrompt(lambda: interrupted, save=lambda _id: None, discard=lambda _id: None)
    page = QWidget()
    page.setObjectName("Page")
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    slot = QVBoxLayout()
    slot.setContentsMargins(24, 18, 24, 0)
    slot.addWidget(prompt)
    column.addLayout(slot)
    column.addWidget(library, 1)
    window = shell(page, "Library")
    prompt.check()
    library.select_row(0)
    library.search.setFocus()
    kit.save(window, out / "resume.png")
    prompt.ask_discard()
    kit.save(window, out / "resume-discard.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
