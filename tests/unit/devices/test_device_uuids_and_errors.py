"""GATT UUID constants/helpers, ProtocolError, and the package's public surface."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest

import app.core.devices as devices
from app.core.devices import uuids
from app.core.devices.errors import ProtocolError
from app.core.devices.uuids import normalize_uuid, uuid16_to_uuid, uuid_to_uuid16

FULL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_expand_16_bit():
    assert uuid16_to_uuid(0x2AD2) == "00002ad2-0000-1000-8000-00805f9b34fb"
    assert uuids.FTMS_SERVICE_UUID == "00001826-0000-1000-8000-00805f9b34fb"
    with pytest.raises(ValueError):
        uuid16_to_uuid(0x10000)


@pytest.mark.parametrize(
    "value",
    [0x2AD9, "2AD9", "2ad9", "0x2AD9", "00002AD9", " 00002ad9-0000-1000-8000-00805F9B34FB "],
)
def test_normalize_forms(value):
    assert normalize_uuid(value) == uuids.FTMS_CONTROL_POINT_UUID


@pytest.mark.parametrize("value", ["", "2ad", "xyz1", "00002ad9-0000-1000-8000"])
def test_normalize_rejects_garbage(value):
    with pytest.raises(ValueError):
        normalize_uuid(value)


def test_uuid_to_uuid16():
    assert uuid_to_uuid16(uuids.HEART_RATE_MEASUREMENT_UUID) == 0x2A37
    assert uuid_to_uuid16(uuids.WAHOO_TRAINER_CONTROL_UUID) is None
    assert uuid_to_uuid16(uuids.FEC_SERVICE_UUID) is None


def test_constants_are_consistent():
    names = [n for n in uuids.__all__ if n.isupper() and n != "BLUETOOTH_BASE_UUID"]
    for name in names:
        value = getattr(uuids, name)
        if name.endswith("_UUID16"):
            assert getattr(uuids, name.removesuffix("16")) == uuid16_to_uuid(value), name
        else:
            assert FULL.match(value), name
    expected = {
        "FTMS_SERVICE_UUID16": 0x1826,
        "FTMS_FEATURE_UUID16": 0x2ACC,
        "FTMS_INDOOR_BIKE_DATA_UUID16": 0x2AD2,
        "FTMS_TRAINING_STATUS_UUID16": 0x2AD3,
        "FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16": 0x2AD6,
        "FTMS_SUPPORTED_POWER_RANGE_UUID16": 0x2AD8,
        "FTMS_CONTROL_POINT_UUID16": 0x2AD9,
        "FTMS_MACHINE_STATUS_UUID16": 0x2ADA,
        "CYCLING_POWER_SERVICE_UUID16": 0x1818,
        "CYCLING_POWER_MEASUREMENT_UUID16": 0x2A63,
        "CYCLING_POWER_FEATURE_UUID16": 0x2A65,
        "HEART_RATE_SERVICE_UUID16": 0x180D,
        "HEART_RATE_MEASUREMENT_UUID16": 0x2A37,
        "CSC_SERVICE_UUID16": 0x1816,
        "CSC_MEASUREMENT_UUID16": 0x2A5B,
        "BATTERY_SERVICE_UUID16": 0x180F,
        "BATTERY_LEVEL_UUID16": 0x2A19,
    }
    assert {name: getattr(uuids, name) for name in expected} == expected
    assert uuids.WAHOO_TRAINER_CONTROL_UUID == "a026e005-0a7d-4ab3-97fa-f1500f9feb8b"
    assert uuids.WAHOO_FITNESS_MACHINE_SERVICE_UUID.startswith("a026ee0b-")
    assert [uuids.FEC_SERVICE_UUID[:8], uuids.FEC_READ_UUID[:8], uuids.FEC_WRITE_UUID[:8]] == [
        "6e40fec1",
        "6e40fec2",
        "6e40fec3",
    ]


def test_protocol_error_is_typed():
    err = ProtocolError("Indoor Bike Data", "truncated", b"\x44\x02")
    assert isinstance(err, ValueError)
    assert (err.characteristic, err.reason, err.data) == ("Indoor Bike Data", "truncated", b"D\x02")
    assert str(err) == "Indoor Bike Data: truncated [44 02]"
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.characteristic, copy.reason, copy.data) == (
        err.characteristic,
        err.reason,
        err.data,
    )
    assert "..." in str(ProtocolError("x", "y", bytes(40)))


def test_package_all_is_complete():
    # (its order is checked by ruff's RUF022)
    assert len(set(devices.__all__)) == len(devices.__all__)
    modules = [m for _, m in inspect.getmembers(devices, inspect.ismodule)]
    exported = {
        name for m in modules if m is not uuids and hasattr(m, "__all__") for name in m.__all__
    }
    exported -= {
        name for name in exported if name in {"Payload", "Reader", "pack_int", "pack_scaled"}
    }
    assert set(devices.__all__) == exported
    for name in devices.__all__:
        assert getattr(devices, name) is not None
