"""The layer rules of ARCHITECTURE.md, as import-linter contracts (pyproject.toml)."""

from pathlib import Path

from importlinter.cli import lint_imports


def test_import_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert lint_imports() == 0, "an import contract is broken: run .venv/bin/lint-imports"
