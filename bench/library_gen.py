"""A deterministic synthetic library: thousands of varied workout files for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

from app.core.workouts.formats import write_workout
from app.core.workouts.model import RepeatBlock, Step, StepKind, StepRole, Workout

CATEGORIES = ("Recovery", "Endurance", "Tempo", "Sweet Spot", "Threshold", "VO2max", "Anaerobic")
WORDS = ("steady", "hill", "surge", "ladder", "pyramid", "builder", "classic", "spin", "climb",
         "sprint", "cadence", "over-under", "long", "short", "express", "block")  # fmt: skip
LEVEL = {"Recovery": 0.5, "Endurance": 0.68, "Tempo": 0.83, "Sweet Spot": 0.9,
         "Threshold": 1.0, "VO2max": 1.15, "Anaerobic": 1.4}  # fmt: skip


def synthetic_workout(rng: random.Random, index: int) -> Workout:
    category = rng.choice(CATEGORIES)
    level = LEVEL[category]
    on_s = rng.choice((30, 60, 120, 180, 300, 480, 600, 900, 1200))
    reps = rng.randint(2, 8)
    main = RepeatBlock(
        reps,
        (
            Step(
                StepKind.STEADY,
                on_s,
                round(level, 2),
                round(level, 2),
                cadence_rpm=rng.choice((None, 85, 95)),
            ),
            Step(StepKind.STEADY, max(60, on_s // 2), 0.5, 0.5, role=StepRole.REST),
        ),
    )
    name = f"{rng.choice(WORDS).title()} {category} {reps}x{on_s // 60 or on_s} #{index}"
    return Workout(
        name=name,
        elements=(
            Step(StepKind.RAMP, 600, 0.45, 0.75, role=StepRole.WARMUP),
            main,
            Step(StepKind.RAMP, 300, 0.65, 0.4, role=StepRole.COOLDOWN),
        ),
        description=f"{category}: {reps} efforts of {on_s} s at {round(level * 100)} % FTP.",
        category=category,
        tags=(category.lower(), rng.choice(WORDS)),
    )  # fmt: skip


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` files, 80 % .zwo, 10 % .erg, 10 % .mrc."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        ext = ".zwo" if i % 10 < 8 else (".erg" if i % 10 == 8 else ".mrc")
        path = folder / f"w{i:05d}{ext}"
        path.write_bytes(write_workout(synthetic_workout(rng, i), path.name, ftp_w=250).data)
        paths.append(path)
    return paths
