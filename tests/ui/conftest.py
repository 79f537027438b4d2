"""UI test fixtures: a small hand-built library, a real device loop and ride controller with
the simulated trainer, and the main window built on them.

Rides run on a `ScaledClock` (fast enough to see many samples, slow enough to steer) or a
`VirtualClock` (the whole ride in milliseconds). Tests wait with qtbot, never with sleep.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from app.core.ride.samples import normalized_power
from app.core.workouts.catalog import CatalogEntry, search, search_text_of
from app.core.workouts.metrics import compute_metrics
from app.core.workouts.model import PowerUnit, RepeatBlock, Step, StepKind, StepRole, Workout
from app.core.workouts.profile import pack_profile, profile_of
from app.core.workouts.timeline import Timeline
from app.infra.sim.physics import TrainerPhysics
from app.infra.sim.trainer import SimulatedTrainerLink
from app.runtime.clock import ScaledClock, VirtualClock
from app.runtime.device_loop import DeviceLoop
from app.runtime.ride_control import RideController
from app.runtime.ride_runner import LoopClock
from app.ui.services import GuiServices

FTP_W = 250.0
RIDE_SPEED = 20.0  # ScaledClock: one ride second every 50 ms
DONE_TIMEOUT_S = 10.0


def steady(duration_s: float, power: float, role: StepRole = StepRole.ACTIVE) -> Step:
    return Step(StepKind.STEADY, duration_s, power, power, role=role)


def ramp(duration_s: float, start: float, end: float, role: StepRole) -> Step:
    return Step(StepKind.RAMP, duration_s, start, end, role=role)


WORKOUTS: tuple[Workout, ...] = (
    Workout(
        "Sweet Spot 3x12",
        (
            ramp(600, 0.50, 0.75, StepRole.WARMUP),
            RepeatBlock(3, (steady(720, 0.90), steady(300, 0.55, role=StepRole.REST))),
            ramp(300, 0.65, 0.45, StepRole.COOLDOWN),
        ),
        description="Three 12-minute sweet spot blocks at 90 % FTP with 5 minutes easy.",
        category="Sweet Spot",
        tags=("ftp", "base"),
    ),
    Workout(
        "VO2 Max 5x3",
        (
            ramp(480, 0.45, 0.70, StepRole.WARMUP),
            RepeatBlock(5, (steady(180, 1.20), steady(180, 0.50, role=StepRole.REST))),
            steady(300, 0.50, role=StepRole.COOLDOWN),
        ),
        description="Five hard three-minute efforts.",
        category="VO2max",
        tags=("intervals",),
    ),
    Workout(
        "Endurance Hour",
        (ramp(300, 0.45, 0.68, StepRole.WARMUP), steady(3300, 0.68)),
        description="Steady zone 2.",
        category="Endurance",
    ),
    Workout(
        "Free Spin 20",
        (Step(StepKind.FREE_RIDE, 1200),),
        description="Ride as you like, no targets.",
        category="Recovery",
    ),
    Workout(
        "Sprint Drills",
        (
            steady(300, 0.55, role=StepRole.WARMUP),
            RepeatBlock(4, (Step(StepKind.MAX_EFFORT, 10), steady(170, 0.50))),
        ),
        description="Short all-out sprints.",
        category="Anaerobic",
    ),
    Workout(
        "Steady 200 W",
        (Step(StepKind.STEADY, 1800, 200, 200, power_unit=PowerUnit.WATTS),),
        description="Absolute-watt target from an .erg file.",
        category="Endurance",
    ),
    Workout(
        "Quick Spin",
        (steady(60, 0.60), steady(60, 0.80)),
        description="Two minutes: for tests that ride to the end.",
        category="Test",
    ),
)


def catalog_entry(workout: Workout, ftp_w: float = FTP_W) -> CatalogEntry:
    """Library stats from the targets, 1 s at a time (free ride/max effort count as 0)."""
    timeline = Timeline(workout)
    watts = [timeline.target_w(t + 0.5, ftp_w) or 0.0 for t in range(int(timeline.duration_s))]
    np_w = normalized_power(watts) or 0.0
    intensity = np_w / ftp_w
    slug = workout.name.lower().replace(" ", "-")
    return CatalogEntry(
        id=f"test:{slug}",
        name=workout.name,
        source="bundled",
        duration_s=workout.duration_s,
        tss=len(watts) * intensity**2 * 100 / 3600,
        intensity_factor=intensity,
        loader=lambda: workout,
        category=workout.category,
        description=workout.description,
        tags=workout.tags,
        search_text=search_text_of(
            workout.name, workout.category, workout.tags, workout.description
        ),
        zone_time_s=compute_metrics(workout, ftp_w).time_in_zone_s,
        profile_blob=pack_profile(profile_of(workout, ftp_w)),
    )


class MemoryWorkoutLibrary:
    """The `WorkoutLibrary` protocol over a list, sorted by name like the real one."""

    def __init__(self, entries: list[CatalogEntry]) -> None:
        self._entries = sorted(entries, key=lambda e: e.name.casefold())
        self.search_calls = 0

    def entries(self) -> list[CatalogEntry]:
        return list(self._entries)

    def search(self, query: str) -> list[CatalogEntry]:
        self.search_calls += 1
        return search(self._entries, query)

    def by_name(self, name: str) -> CatalogEntry:
        return next(e for e in self._entries if e.name == name)

    def get(self, entry_id: str) -> CatalogEntry | None:
        return next((e for e in self._entries if e.id == entry_id), None)

    def find(self, name_or_id: str) -> CatalogEntry | None:
        return self.get(name_or_id) or next(
            (e for e in self._entries if e.name == name_or_id), None
        )

    def set_favourite(self, entry_id: str, favourite: bool) -> CatalogEntry:
        updated = replace(next(e for e in self._entries if e.id == entry_id), favourite=favourite)
        self._entries = [updated if e.id == entry_id else e for e in self._entries]
        return updated

    def import_paths(self, paths: list[Path]) -> object:
        raise NotImplementedError("the UI tests import into a real LibraryStore")


@dataclass
class RideRig:
    """Everything behind GuiServices; `close()` ends any ride and stops the loop."""

    loop: DeviceLoop
    clock: LoopClock
    trainer: SimulatedTrainerLink
    controller: RideController
    library: MemoryWorkoutLibrary
    services: GuiServices
    handles: list[object] = field(default_factory=list)

    def close(self) -> None:
        self.loop.stop()


def make_rig(clock: LoopClock) -> RideRig:
    loop = DeviceLoop(name="ui-test-device-loop").start()
    trainer = SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=FTP_W, seed=7))
    controller = RideController(loop, trainer, clock)
    library = MemoryWorkoutLibrary([catalog_entry(w) for w in WORKOUTS])
    services = GuiServices(
        library=library,
        rides=controller,
        ftp_w=FTP_W,
        trainer_name=trainer.name,
        status_text="Offline · simulated trainer",
    )
    return RideRig(loop, clock, trainer, controller, library, services)


@pytest.fixture
def rig() -> Iterator[RideRig]:
    """A rig on scaled time: the ride advances RIDE_SPEED seconds per real second."""
    rig = make_rig(ScaledClock(RIDE_SPEED))
    yield rig
    rig.close()


@pytest.fixture
def fast_rig() -> Iterator[RideRig]:
    """A rig on virtual time: a ride runs to its end as fast as the machine goes."""
    rig = make_rig(VirtualClock())
    yield rig
    rig.close()


def _window_for(rig: RideRig, qtbot):  # type: ignore[no-untyped-def]
    from app.ui.app import create_main_window

    window = create_main_window(rig.services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.setup_finished)  # the rest is built after the first paint
    return window


def _end_ride(window) -> None:  # type: ignore[no-untyped-def]
    """Discard a ride a test left running, and wait until the loop has let go of it."""
    view = window._ride_view
    handle = view.handle if view is not None else None
    if handle is not None:
        handle.discard()
        handle.done.result(timeout=DONE_TIMEOUT_S)


@pytest.fixture
def window(rig: RideRig, qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    win = _window_for(rig, qtbot)
    yield win
    _end_ride(win)


@pytest.fixture
def fast_window(fast_rig: RideRig, qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    win = _window_for(fast_rig, qtbot)
    yield win
    _end_ride(win)
