"""GATT UUIDs of the services and characteristics Freewheel uses. Constants only; no I/O.

SIG-assigned ids exist twice: `*_UUID16` (the 16-bit number) and `*_UUID` (the full
lowercase string bleak reports, `0000xxxx-0000-1000-8000-00805f9b34fb`). Vendor ids
(Wahoo, Tacx FE-C) are full 128-bit strings only.
"""

from __future__ import annotations

import re

__all__ = [
    "BATTERY_LEVEL_UUID",
    "BATTERY_LEVEL_UUID16",
    "BATTERY_SERVICE_UUID",
    "BATTERY_SERVICE_UUID16",
    "BLUETOOTH_BASE_UUID",
    "CSC_FEATURE_UUID",
    "CSC_FEATURE_UUID16",
    "CSC_MEASUREMENT_UUID",
    "CSC_MEASUREMENT_UUID16",
    "CSC_SERVICE_UUID",
    "CSC_SERVICE_UUID16",
    "CYCLING_POWER_CONTROL_POINT_UUID",
    "CYCLING_POWER_CONTROL_POINT_UUID16",
    "CYCLING_POWER_FEATURE_UUID",
    "CYCLING_POWER_FEATURE_UUID16",
    "CYCLING_POWER_MEASUREMENT_UUID",
    "CYCLING_POWER_MEASUREMENT_UUID16",
    "CYCLING_POWER_SERVICE_UUID",
    "CYCLING_POWER_SERVICE_UUID16",
    "FEC_READ_UUID",
    "FEC_SERVICE_UUID",
    "FEC_WRITE_UUID",
    "FTMS_CONTROL_POINT_UUID",
    "FTMS_CONTROL_POINT_UUID16",
    "FTMS_FEATURE_UUID",
    "FTMS_FEATURE_UUID16",
    "FTMS_INDOOR_BIKE_DATA_UUID",
    "FTMS_INDOOR_BIKE_DATA_UUID16",
    "FTMS_MACHINE_STATUS_UUID",
    "FTMS_MACHINE_STATUS_UUID16",
    "FTMS_SERVICE_UUID",
    "FTMS_SERVICE_UUID16",
    "FTMS_SUPPORTED_POWER_RANGE_UUID",
    "FTMS_SUPPORTED_POWER_RANGE_UUID16",
    "FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID",
    "FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16",
    "FTMS_TRAINING_STATUS_UUID",
    "FTMS_TRAINING_STATUS_UUID16",
    "HEART_RATE_MEASUREMENT_UUID",
    "HEART_RATE_MEASUREMENT_UUID16",
    "HEART_RATE_SERVICE_UUID",
    "HEART_RATE_SERVICE_UUID16",
    "WAHOO_FITNESS_MACHINE_CONTROL_POINT_UUID",
    "WAHOO_FITNESS_MACHINE_SERVICE_UUID",
    "WAHOO_TRAINER_CONTROL_UUID",
    "normalize_uuid",
    "uuid16_to_uuid",
    "uuid_to_uuid16",
]

BLUETOOTH_BASE_UUID = "00000000-0000-1000-8000-00805f9b34fb"
_BASE_SUFFIX = BLUETOOTH_BASE_UUID[8:]
_FULL_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHORT_RE = re.compile(r"^(?:0x)?([0-9a-f]{4}|[0-9a-f]{8})$")


def uuid16_to_uuid(uuid16: int) -> str:
    """Expand a SIG 16-bit id onto the Bluetooth base UUID: 0x2AD2 -> '00002ad2-0000-…'."""
    if not 0 <= uuid16 <= 0xFFFF:
        raise ValueError(f"not a 16-bit UUID: {uuid16!r}")
    return f"0000{uuid16:04x}{_BASE_SUFFIX}"


def uuid_to_uuid16(uuid: str) -> int | None:
    """The 16-bit id of a full UUID on the Bluetooth base, else None (vendor UUIDs)."""
    full = normalize_uuid(uuid)
    if full.startswith("0000") and full.endswith(_BASE_SUFFIX):
        return int(full[4:8], 16)
    return None


def normalize_uuid(uuid: str | int) -> str:
    """A full lowercase UUID string from an int, '2AD2', '0x2ad2', '00002ad2' or a full UUID."""
    if isinstance(uuid, int):
        return uuid16_to_uuid(uuid)
    text = uuid.strip().lower()
    if _FULL_RE.match(text):
        return text
    short = _SHORT_RE.match(text)
    if short:
        digits = short.group(1)
        return f"{int(digits, 16):08x}{_BASE_SUFFIX}"
    raise ValueError(f"not a UUID: {uuid!r}")


# Fitness Machine Service (FTMS v1.0.1, Table 4.1).
FTMS_SERVICE_UUID16 = 0x1826
FTMS_FEATURE_UUID16 = 0x2ACC
FTMS_INDOOR_BIKE_DATA_UUID16 = 0x2AD2
FTMS_TRAINING_STATUS_UUID16 = 0x2AD3
FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16 = 0x2AD6
FTMS_SUPPORTED_POWER_RANGE_UUID16 = 0x2AD8
FTMS_CONTROL_POINT_UUID16 = 0x2AD9
FTMS_MACHINE_STATUS_UUID16 = 0x2ADA

FTMS_SERVICE_UUID = uuid16_to_uuid(FTMS_SERVICE_UUID16)
FTMS_FEATURE_UUID = uuid16_to_uuid(FTMS_FEATURE_UUID16)
FTMS_INDOOR_BIKE_DATA_UUID = uuid16_to_uuid(FTMS_INDOOR_BIKE_DATA_UUID16)
FTMS_TRAINING_STATUS_UUID = uuid16_to_uuid(FTMS_TRAINING_STATUS_UUID16)
FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID = uuid16_to_uuid(
    FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16
)
FTMS_SUPPORTED_POWER_RANGE_UUID = uuid16_to_uuid(FTMS_SUPPORTED_POWER_RANGE_UUID16)
FTMS_CONTROL_POINT_UUID = uuid16_to_uuid(FTMS_CONTROL_POINT_UUID16)
FTMS_MACHINE_STATUS_UUID = uuid16_to_uuid(FTMS_MACHINE_STATUS_UUID16)

# Cycling Power Service.
CYCLING_POWER_SERVICE_UUID16 = 0x1818
CYCLING_POWER_MEASUREMENT_UUID16 = 0x2A63
CYCLING_POWER_FEATURE_UUID16 = 0x2A65
CYCLING_POWER_CONTROL_POINT_UUID16 = 0x2A66

CYCLING_POWER_SERVICE_UUID = uuid16_to_uuid(CYCLING_POWER_SERVICE_UUID16)
CYCLING_POWER_MEASUREMENT_UUID = uuid16_to_uuid(CYCLING_POWER_MEASUREMENT_UUID16)
CYCLING_POWER_FEATURE_UUID = uuid16_to_uuid(CYCLING_POWER_FEATURE_UUID16)
CYCLING_POWER_CONTROL_POINT_UUID = uuid16_to_uuid(CYCLING_POWER_CONTROL_POINT_UUID16)

# Heart Rate Service.
HEART_RATE_SERVICE_UUID16 = 0x180D
HEART_RATE_MEASUREMENT_UUID16 = 0x2A37

HEART_RATE_SERVICE_UUID = uuid16_to_uuid(HEART_RATE_SERVICE_UUID16)
HEART_RATE_MEASUREMENT_UUID = uuid16_to_uuid(HEART_RATE_MEASUREMENT_UUID16)

# Cycling Speed and Cadence Service.
CSC_SERVICE_UUID16 = 0x1816
CSC_MEASUREMENT_UUID16 = 0x2A5B
CSC_FEATURE_UUID16 = 0x2A5C

CSC_SERVICE_UUID = uuid16_to_uuid(CSC_SERVICE_UUID16)
CSC_MEASUREMENT_UUID = uuid16_to_uuid(CSC_MEASUREMENT_UUID16)
CSC_FEATURE_UUID = uuid16_to_uuid(CSC_FEATURE_UUID16)

# Battery Service.
BATTERY_SERVICE_UUID16 = 0x180F
BATTERY_LEVEL_UUID16 = 0x2A19

BATTERY_SERVICE_UUID = uuid16_to_uuid(BATTERY_SERVICE_UUID16)
BATTERY_LEVEL_UUID = uuid16_to_uuid(BATTERY_LEVEL_UUID16)

# Wahoo legacy trainer control: a write+indicate characteristic inside the Cycling Power
# Service of pre-FTMS KICKR firmware (GATT dump: StephenDone/kickr_bluetooth wiki; Auuki
# src/ble/web-ble.js). The a026ee0b service / a026e037 characteristic are Wahoo's own
# "fitness machine" (grade) control on newer KICKR Bike/Core firmware.
WAHOO_TRAINER_CONTROL_UUID = "a026e005-0a7d-4ab3-97fa-f1500f9feb8b"
WAHOO_FITNESS_MACHINE_SERVICE_UUID = "a026ee0b-0a7d-4ab3-97fa-f1500f9feb8b"
WAHOO_FITNESS_MACHINE_CONTROL_POINT_UUID = "a026e037-0a7d-4ab3-97fa-f1500f9feb8b"

# Tacx FE-C over BLE (Nordic UART-style ids): FEC2 notifies trainer -> app, FEC3 is
# written app -> trainer (Auuki src/ble/fec/fec.js).
FEC_SERVICE_UUID = "6e40fec1-b5a3-f393-e0a9-e50e24dcca9e"
FEC_READ_UUID = "6e40fec2-b5a3-f393-e0a9-e50e24dcca9e"
FEC_WRITE_UUID = "6e40fec3-b5a3-f393-e0a9-e50e24dcca9e"
