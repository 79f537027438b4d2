"""The command line: the fast desktop-app path knows every subcommand name, and every
subcommand is bound to a handler where it is declared."""

import argparse
import subprocess
import sys
from pathlib import Path

from app.cli.parser import COMMANDS, app_parser, full_parser

ROOT = Path(__file__).resolve().parents[2]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_the_fast_path_knows_every_subcommand():
    assert set(_subcommands(full_parser())) == set(COMMANDS)


def test_every_subcommand_runs_a_handler_of_its_own_module():
    parser = full_parser()
    samples = {
        "ride": ["ride", "--workout", "x"],
        "workout": ["workout", "info", "x.zwo"],
        "rides": ["rides", "list"],
        "import": ["import", "x"],
        "library": ["library", "list"],
        "convert": ["convert", "a.zwo", "b.erg"],
        "signin": ["signin", "--email", "e@example.com"],
        "signout": ["signout"],
        "sync": ["sync", "--once"],
        "status": ["status"],
        "devices": ["devices", "scan"],
        "diagnostics": ["diagnostics", "--out", "x.zip"],
        "server": ["server"],
    }
    assert set(samples) == set(COMMANDS)
    for name, words in samples.items():
        run = parser.parse_args(words).run
        assert callable(run), name
        expected = "app.server.cli" if name == "server" else COMMANDS[name]
        assert run.__module__ == expected, name


def test_data_dir_works_before_and_after_the_subcommand():
    assert full_parser().parse_args(["--data-dir", "X", "rides", "list"]).data_dir == "X"
    assert full_parser().parse_args(["rides", "list", "--data-dir", "Y"]).data_dir == "Y"
    assert app_parser().parse_args(["--data-dir", "Z"]).data_dir == "Z"


def test_a_bad_workout_file_is_bad_input_under_every_entry_point(tmp_path):
    """`python -m app.main` used to load a second copy of main and end in exit 1."""
    broken = tmp_path / "broken.zwo"
    broken.write_text("<workout_file><bad")
    for entry in (["-m", "app"], ["-m", "app.main"]):
        done = subprocess.run(
            [sys.executable, *entry, "workout", "info", str(broken)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2, (entry, done.stderr)
        assert done.stderr.count("\n") == 1 and "broken.zwo" in done.stderr
