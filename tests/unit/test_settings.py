"""Rider settings: validated with clear messages, loaded forgivingly, saved atomically."""

import json
from datetime import date

import pytest
from pydantic import ValidationError

from app.core.ride.tiles import TILE_KEYS
from app.core.settings import RiderSettings, explain
from app.infra.settings_store import load_settings, quick_ftp_w, save_settings


def test_out_of_range_values_are_explained_in_plain_words():
    with pytest.raises(ValidationError) as caught:
        RiderSettings.model_validate({"ftp_w": 20, "erg": {"ramp_in_s": 99}, "units": "furlongs"})
    messages = explain(caught.value)
    assert "FTP: must be between 50 and 700" in messages
    assert "ERG ramp-in: must be between 0 and 30" in messages
    assert any(m.startswith("Units:") for m in messages)


def test_a_bad_field_falls_back_alone_and_other_keys_survive_a_save(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"ftp_w": 5000, "weight_kg": 72.5, "server_url": "http://x"}))
    settings, problems = load_settings(path)
    assert settings.ftp_w == 200 and settings.weight_kg == 72.5
    assert problems == ["FTP: must be between 50 and 700"]
    save_settings(path, settings.with_ftp(265, date(2026, 11, 27)))
    saved = json.loads(path.read_text())
    assert saved["ftp_w"] == 265 and saved["server_url"] == "http://x"
    assert saved["ftp_history"] == [{"on": "2026-11-27", "ftp_w": 265}]
    assert quick_ftp_w(path) == 265
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_corrupt_file_gives_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load_settings(path) == (RiderSettings(), [])
    assert quick_ftp_w(path) == 200


def test_ftp_history_keeps_one_entry_per_day():
    s = RiderSettings().with_ftp(250, date(2026, 1, 1)).with_ftp(255, date(2026, 1, 1))
    s = s.with_ftp(260, date(2026, 2, 1))
    assert [(c.on.month, c.ftp_w) for c in s.ftp_history] == [(1, 255), (2, 260)]
    assert s.erg.to_erg_settings().ramp_in_s == 3


# --- ride screen tiles ----------------------------------------------------------------------


def test_the_default_tiles_are_the_ride_screen_as_it_was():
    assert RiderSettings().ride_tiles == (
        "power",
        "target",
        "interval_left",
        "hr",
        "cadence",
        "elapsed",
        "intensity",
    )


def test_tiles_must_be_three_to_eight_different_known_figures():
    for bad, message in (
        (["power", "hr"], "Ride screen tiles: choose between 3 and 8 tiles"),
        (list(TILE_KEYS[:9]), "Ride screen tiles: choose between 3 and 8 tiles"),
        (["power", "hr", "hr"], "Ride screen tiles: hr is on more than one tile"),
    ):
        with pytest.raises(ValidationError) as caught:
            RiderSettings.model_validate({"ride_tiles": bad})
        assert explain(caught.value) == [message]
    chosen = RiderSettings.model_validate({"ride_tiles": ["np", "lap_time", "lap_power"]})
    assert chosen.ride_tiles == ("np", "lap_time", "lap_power")


def test_unknown_tiles_are_dropped_not_fatal():
    settings = RiderSettings.model_validate(
        {"ride_tiles": ["power", "w_per_kg", "hr", "vam", "np"]}
    )
    assert settings.ride_tiles == ("power", "hr", "np")
    # too few left: the defaults fill the places
    settings = RiderSettings.model_validate({"ride_tiles": ["hr", "w_per_kg", "vam"]})
    assert settings.ride_tiles == ("hr", "power", "target")


def test_tiles_from_a_newer_version_load_without_a_problem_and_save_back(tmp_path):
    path = tmp_path / "settings.json"
    tiles = ["power", "w_per_kg", "lap_power", "hr", "speed"]
    path.write_text(json.dumps({"ftp_w": 240, "ride_tiles": tiles}))
    settings, problems = load_settings(path)
    assert problems == []
    assert settings.ftp_w == 240
    assert settings.ride_tiles == ("power", "lap_power", "hr", "speed")
    save_settings(path, settings)
    assert json.loads(path.read_text())["ride_tiles"] == ["power", "lap_power", "hr", "speed"]
    assert load_settings(path) == (settings, [])


def test_repeated_tiles_in_the_file_fall_back_to_the_default_tiles_alone(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"ftp_w": 240, "ride_tiles": ["hr", "hr", "power"]}))
    settings, problems = load_settings(path)
    assert settings.ftp_w == 240 and settings.ride_tiles == RiderSettings().ride_tiles
    assert problems == ["Ride screen tiles: hr is on more than one tile"]
