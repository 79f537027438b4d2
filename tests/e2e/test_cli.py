"""The `freewheel` program as a rider's script would run it: real subprocesses."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKOUTS = ROOT / "resources" / "workouts"


def freewheel(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FREEWHEEL_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


def test_headless_ride_prints_a_summary_and_journals_every_second(tmp_path):
    result = freewheel(
        "ride", "--simulate", "--workout", "sweet-spot-3x15", "--speed", "max", "--json",
        "--ftp", "250", home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["workout"] == "Sweet Spot 3x15"
    assert summary["moving_s"] == 75 * 60
    assert summary["ftp_w"] == 250
    assert 0.75 < summary["intensity_factor"] < 0.9
    db = sqlite3.connect(tmp_path / "rides.db")
    (state, count) = db.execute(
        "SELECT state, (SELECT COUNT(*) FROM samples WHERE ride_id = rides.id) FROM rides"
    ).fetchone()
    assert (state, count) == ("complete", 75 * 60)


def test_ride_from_a_file_at_intensity(tmp_path):
    result = freewheel(
        "ride", "--workout", str(WORKOUTS / "recovery-spin-20.zwo"), "--speed", "max",
        "--intensity", "110", "--json", home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["moving_s"] == 20 * 60


def test_workout_info_json(tmp_path):
    result = freewheel("workout", "info", str(WORKOUTS / "vo2-5x4.zwo"), "--json", home=tmp_path)
    info = json.loads(result.stdout)
    assert info["name"] == "VO2 5x4"
    assert info["duration_s"] == 3600
    assert info["tss"] > 50 and 0.8 < info["if"] < 1.0
    assert any("repeat" in step for step in info["steps"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("workout", "info", "{bad}"), "not well-formed"),
        (("workout", "info", "{missing}"), "cannot read"),
        (("ride", "--workout", "no-such-workout", "--speed", "max"), "no workout named"),
        (("ride", "--workout", "recovery-spin-20", "--speed", "fast"), "--speed"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, args, needle):
    bad = tmp_path / "bad.zwo"
    bad.write_text("<workout_file><workout><SteadyState Duration='x'")
    args = [a.format(bad=bad, missing=tmp_path / "missing.zwo") for a in args]
    result = freewheel(*args, home=tmp_path)
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_import_a_folder_then_list_it(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    erg = incoming / "tempo.erg"
    result = freewheel("convert", str(WORKOUTS / "tempo-3x10.zwo"), str(erg), "--ftp", "250",
                       home=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "dropped:" in result.stdout
    (incoming / "broken.mrc").write_text("[COURSE DATA]\n0 50\n")
    (incoming / "same.zwo").write_bytes((WORKOUTS / "vo2-5x4.zwo").read_bytes())

    result = freewheel("import", str(incoming), "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [a["name"] for a in report["added"]] == ["Tempo 3x10"]
    assert report["duplicates"] == [
        {"path": str(incoming / "same.zwo"), "existing": "bundled:vo2-5x4"}
    ]
    assert [Path(e["path"]).name for e in report["errors"]] == ["broken.mrc"]
    assert "broken.mrc" in result.stderr

    listed = json.loads(freewheel("library", "list", "--source", "imported", "--json",
                                  home=tmp_path).stdout)  # fmt: skip
    assert [e["name"] for e in listed] == ["Tempo 3x10"]
    found = json.loads(freewheel("library", "list", "--search", "tempo 3x10", "--json",
                                 home=tmp_path).stdout)  # fmt: skip
    assert {e["source"] for e in found} == {"bundled", "imported"}


def test_convert_reports_an_ftp_it_needs_and_unknown_formats(tmp_path):
    erg = tmp_path / "w.erg"
    result = freewheel("convert", str(WORKOUTS / "vo2-5x4.zwo"), str(erg), home=tmp_path)
    assert result.returncode == 2 and "--ftp" in result.stderr and not erg.exists()
    result = freewheel("convert", str(WORKOUTS / "vo2-5x4.zwo"), str(tmp_path / "w.gpx"),
                       home=tmp_path)  # fmt: skip
    assert result.returncode == 2 and "unknown workout format" in result.stderr


@pytest.mark.parametrize("ext", [".zwo", ".mrc", ".fit", ".txt"])
def test_convert_round_trips_through_every_format(tmp_path, ext):
    out = tmp_path / f"w{ext}"
    assert freewheel("convert", str(WORKOUTS / "threshold-2x20.zwo"), str(out),
                     home=tmp_path).returncode == 0  # fmt: skip
    info = json.loads(freewheel("workout", "info", str(out), "--json", home=tmp_path).stdout)
    original = json.loads(freewheel("workout", "info", str(WORKOUTS / "threshold-2x20.zwo"),
                                    "--json", home=tmp_path).stdout)  # fmt: skip
    assert info["duration_s"] == original["duration_s"]
    assert info["tss"] == pytest.approx(original["tss"], abs=0.5)


def test_a_headless_ride_exports_as_fit_and_tcx_that_garmins_decoder_accepts(tmp_path):
    garmin = pytest.importorskip("garmin_fit_sdk")
    result = freewheel("ride", "--workout", "recovery-spin-20", "--speed", "max", "--json",
                       home=tmp_path)  # fmt: skip
    ride_id = json.loads(result.stdout)["ride_id"]
    fit, tcx = tmp_path / "ride.fit", tmp_path / "ride.tcx"
    assert freewheel("rides", "export", ride_id, "--fit", str(fit), home=tmp_path).returncode == 0
    assert freewheel("rides", "export", ride_id, "--tcx", str(tcx), home=tmp_path).returncode == 0

    def decoder():  # a Decoder's stream is used up by one pass
        return garmin.Decoder(garmin.Stream.from_byte_array(bytearray(fit.read_bytes())))

    assert decoder().check_integrity()
    messages, errors = decoder().read()
    assert errors == []
    assert len(messages["record_mesgs"]) == 1200
    assert len(messages["activity_mesgs"]) == 1
    assert b"TrainingCenterDatabase" in tcx.read_bytes()[:400]
    missing = freewheel("rides", "export", "nope", "--fit", str(fit), home=tmp_path)
    assert missing.returncode == 2 and "no ride" in missing.stderr
