"""What the front ends ask the composition root for, as typed values (no argparse, no
environment switches)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.services.devices import BleBackend

__all__ = ["BleBackend", "GuiOptions", "TrainerSource"]


class TrainerSource(StrEnum):
    SIMULATED = "simulated"  # the physics simulator: no Bluetooth needed
    REMEMBERED = "remembered"  # the devices paired last time, by address; else simulated
    VIRTUAL_BLE = "virtual-ble"  # virtual devices on an in-process radio, the real BLE path


@dataclass(frozen=True, slots=True)
class GuiOptions:
    """The desktop app. `data_dir` None: the platform's folders (or FREEWHEEL_HOME).
    `simulate`: ride the simulated trainer even when devices are remembered.
    `ble_backend`: where the Devices screen scans."""

    data_dir: Path | None = None
    simulate: bool = False
    ble_backend: BleBackend = BleBackend.SYSTEM
