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


CYCLES = """
import grimp
graph = grimp.build_graph("app", exclude_type_checking_imports=True)
modules = sorted(m for m in graph.modules if m.startswith("app"))
edges = {m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x.startswith("app"))
         for m in modules}
index, low, stack, on, cycles = {}, {}, [], set(), []

def visit(v):  # Tarjan's strongly connected components
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while not component or component[-1] != v:
            component.append(stack.pop())
            on.discard(component[-1])
        if len(component) > 1:
            cycles.append(sorted(component))

for m in modules:
    if m not in index:
        visit(m)
print(cycles)
"""


def test_no_module_of_app_imports_itself_round_a_cycle():
    """Every import counts, also those inside functions (they run when called); only
    imports for type checking are left out. `app.main` <-> the commands was such a cycle:
    under `python -m app.main` a second copy of main was loaded."""
    run = subprocess.run(
        [sys.executable, "-c", CYCLES], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", f"import cycles in app/: {run.stdout}"
