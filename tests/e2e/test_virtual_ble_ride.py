"""`freewheel ride --virtual-ble`: the whole real BLE path — scan-free reconnect by address,
connect, control point, notifications — against the virtual FTMS trainer, and
`freewheel devices scan` on a machine without Bluetooth."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHORT = """<workout_file><name>Short ERG</name><sportType>bike</sportType><workout>
<SteadyState Duration="40" Power="0.5"/><SteadyState Duration="60" Power="1.0"/>
</workout></workout_file>"""


def freewheel(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=dict(os.environ, FREEWHEEL_HOME=str(home), **env),
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_ride_over_the_virtual_radio_holds_the_erg_target(tmp_path):
    workout = tmp_path / "short.zwo"
    workout.write_text(SHORT)
    result = freewheel("ride", "--virtual-ble", "--workout", str(workout), "--speed", "10",
                       "--ftp", "250", "--json", home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["moving_s"] == 100
    db = sqlite3.connect(tmp_path / "rides.db")
    query = "SELECT power_w FROM samples WHERE elapsed_s BETWEEN 70 AND 99 ORDER BY elapsed_s"
    hard = [r[0] for r in db.execute(query)]
    db.close()
    assert all(p is not None for p in hard)
    assert abs(sum(hard) / len(hard) - 250) < 20  # the virtual trainer holds 100 % FTP


def test_virtual_ble_refuses_an_impossible_speed(tmp_path):
    result = freewheel("ride", "--virtual-ble", "--workout", "recovery-spin-20", "--speed",
                       "max", home=tmp_path)  # fmt: skip
    assert result.returncode == 2 and "--speed 20 or less" in result.stderr


def test_devices_scan_without_bluetooth_explains_and_offers_the_simulator(tmp_path):
    result = freewheel("devices", "scan", home=tmp_path)
    assert result.returncode == 1
    assert "Bluetooth" in result.stderr and "--simulate" in result.stderr
    assert "Traceback" not in result.stderr


def test_devices_scan_lists_the_virtual_devices(tmp_path):
    result = freewheel("devices", "scan", "--json", "--virtual-ble", home=tmp_path)
    assert result.returncode == 0, result.stderr
    kinds = {k for device in json.loads(result.stdout)["devices"] for k in device["kinds"]}
    assert {"trainer", "power", "hr"} <= kinds
