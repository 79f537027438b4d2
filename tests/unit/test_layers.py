"""The layer rules of ARCHITECTURE.md, as import-linter contracts (pyproject.toml).

Run in a child process: import-linter reconfigures logging (it disables the loggers that
exist when it runs), which would silence later tests' log assertions in this process.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports; "
         "raise SystemExit(lint_imports())"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, f"an import contract is broken:\n{run.stdout}{run.stderr}"
