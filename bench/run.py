"""Run all bench/bench_*.py modules, print a table and write JSON."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import Figure

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else ""
    figures: list[Figure] = []
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if wanted and wanted not in path.stem:
            continue
        t0 = time.perf_counter()
        module = importlib.import_module(f"bench.{path.stem}")
        figures.extend(module.run())
        print(f"  ({path.stem} took {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    width = max((len(f.name) for f in figures), default=10)
    print(f"{'figure':<{width}}  {'value':>12}  unit   goal        note")
    for f in figures:
        print(f"{f.name:<{width}}  {f.value:>12.4g}  {f.unit:<5}  {f.goal:<10}  {f.note}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {
        "when": stamp,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [f.as_dict() for f in figures],
    }
    for name in (f"bench-{stamp}.json", "latest.json"):
        (out_dir / name).write_text(json.dumps(payload, indent=2))
    print(f"wrote {out_dir / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
