"""Virtual BLE peripherals on an in-process radio (bumble `LocalLink`), reached through the
real `bleak.BleakClient` / `BleakScanner` via `backend=radio.client_backend` /
`radio.scanner_backend`. For tests and `freewheel ride --virtual-ble`; needs the optional
`bumble` dependency (extras `test` / `virtual`).
"""

from app.infra.ble.virtual.cps_power_meter import PowerMeterFaults, VirtualPowerMeter
from app.infra.ble.virtual.fec_trainer import FecFaults, VirtualFecTrainer
from app.infra.ble.virtual.ftms_trainer import FtmsFaults, VirtualFtmsTrainer
from app.infra.ble.virtual.hr_strap import HeartRateFaults, VirtualHeartRateStrap
from app.infra.ble.virtual.peripheral import CustomPeripheral, PeripheralFaults, VirtualPeripheral
from app.infra.ble.virtual.radio import VirtualRadio
from app.infra.ble.virtual.wahoo_trainer import VirtualWahooTrainer, WahooFaults

__all__ = [
    "CustomPeripheral",
    "FecFaults",
    "FtmsFaults",
    "HeartRateFaults",
    "PeripheralFaults",
    "PowerMeterFaults",
    "VirtualFecTrainer",
    "VirtualFtmsTrainer",
    "VirtualHeartRateStrap",
    "VirtualPeripheral",
    "VirtualPowerMeter",
    "VirtualRadio",
    "VirtualWahooTrainer",
    "WahooFaults",
]
