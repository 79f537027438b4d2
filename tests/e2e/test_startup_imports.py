"""Opening the app shows the library before it imports what later screens need."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("asyncio", "bleak", "bumble", "httpx", "keyring", "pydantic", "pyqtgraph", "numpy")

PROBE = f"""
import json, sys
from app.main import main
code = main([])
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def test_the_first_frame_imports_none_of_the_heavy_modules(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FREEWHEEL_EXIT_WHEN_READY="1",
               FREEWHEEL_HOME=str(tmp_path))  # fmt: skip
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
