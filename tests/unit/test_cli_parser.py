"""The command line: the fast desktop-app path knows every subcommand name."""

import argparse

from app.main import COMMANDS, build_app_parser, build_parser


def test_the_fast_path_knows_every_subcommand():
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == COMMANDS


def test_data_dir_works_before_and_after_the_subcommand():
    assert build_parser().parse_args(["--data-dir", "X", "rides", "list"]).data_dir == "X"
    assert build_parser().parse_args(["rides", "list", "--data-dir", "Y"]).data_dir == "Y"
    assert build_app_parser().parse_args(["--data-dir", "Z"]).data_dir == "Z"
