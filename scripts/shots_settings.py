"""Render the settings, welcome and devices screens offscreen and save PNGs to look at.

    .venv/bin/python scripts/shots_settings.py [OUT_DIR] [--scale 2]

1. settings.png: the settings screen with an FTP history, a problem from the settings
   file at the top, and one value out of range after Apply (shown under its field)
2. welcome.png:  the first-run welcome, FTP typed in, imperial units chosen
3. devices.png:  a finished scan with four devices; trainer and heart rate assigned, the
   trainer connected and riding, the strap "lost — reconnecting"
   devices-failed.png: a scan that could not run (Bluetooth off), offering the simulator

Each screen is rendered on its own at 1280×800 with fake ports (no Bluetooth, no files).
"""

from __future__ import annotations

import sys
from concurrent.futures import Future
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit


class ShotSettingsPort:
    """A settings file with one bad value and an FTP history."""

    def __init__(self) -> None:
        from app.core.settings import FtpChange, RiderSettings

        self.data_folder = Path.home() / ".local" / "share" / "freewheel"
        self.keyring_state = "OS keyring"
        self.server_url: str | None = "https://sync.freewheel.example"
        self.status_page_url: str | None = None
        history = (
            FtpChange(on=date(2024, 11, 4), ftp_w=228),
            FtpChange(on=date(2025, 1, 13), ftp_w=241),
            FtpChange(on=date(2025, 3, 2), ftp_w=250),
        )
        self.settings = RiderSettings(ftp_w=250, ftp_history=history, weight_kg=72.5)

    def load(self) -> tuple[object, list[str]]:
        return self.settings, ["Power smoothing: input should be 1, 3 or 10"]

    def save(self, settings: object) -> None:
        self.settings = settings  # type: ignore[assignment]

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        self.server_url, self.status_page_url = server_url, status_page_url


class ScanProblem(Exception):
    offer_simulator = True


class ShotDevicesPort:
    """Four devices nearby; the trainer and a heart-rate strap are in use."""

    def __init__(self) -> None:
        from app.ui.ports.devices import DeviceInfo, LinkState, LiveValue

        self.devices = [
            DeviceInfo(
                "Wahoo KICKR 5A21",
                "F3:1C:22:8A:5A:21",
                -54,
                frozenset({"trainer", "power", "cadence"}),
            ),
            DeviceInfo(
                "Assioma DUO 07731", "C8:45:0E:91:77:31", -67, frozenset({"power", "cadence"}), 64
            ),
            DeviceInfo("HRM-Pro 412", "D2:6B:19:40:41:2C", -71, frozenset({"hr"}), 12),
            DeviceInfo("Wahoo RPM 3F9", "E4:02:7C:13:F9:0A", -84, frozenset({"cadence"}), 88),
        ]
        self.roles: dict[str, DeviceInfo | None] = {
            "trainer": self.devices[0],
            "power": None,
            "cadence": None,
            "hr": self.devices[2],
        }
        self.values = {
            "trainer": LiveValue(LinkState.CONNECTED, "212 W"),
            "hr": LiveValue(LinkState.LOST, "142 bpm", 12),
        }

    fail_with: Exception | None = None

    def scan(self) -> Future[list[object]]:
        future: Future[list[object]] = Future()
        if self.fail_with is not None:
            future.set_exception(self.fail_with)
        else:
            future.set_result(list(self.devices))
        return future

    def assignments(self) -> dict[str, object]:
        return dict(self.roles)

    def assign(self, role: str, device: object) -> None:
        self.roles[role] = device  # type: ignore[assignment]

    def use_simulator(self) -> None:
        pass

    def live(self) -> dict[str, object]:
        return dict(self.values)


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    args = kit.arg_parser(__doc__).parse_args(argv)

    from PySide6.QtWidgets import QWidget

    from app.ui.views.devices_view import DevicesView
    from app.ui.views.settings import SettingsView
    from app.ui.views.welcome_view import WelcomeView

    kit.themed_app(args.scale)
    out: Path = args.out

    def shown(widget: QWidget) -> QWidget:
        widget.resize(kit.WIDTH, kit.HEIGHT)
        widget.show()
        kit.settle()
        return widget

    # 1 settings: an out-of-range ERG value after Apply
    settings = SettingsView(ShotSettingsPort(), today=lambda: date(2025, 4, 7))  # type: ignore[arg-type]
    shown(settings)
    settings.lead_field.setText("8")
    settings.apply()
    settings.scroll_area.verticalScrollBar().setValue(0)
    kit.save(settings, out / "settings.png")

    # 2 welcome
    welcome = WelcomeView()
    shown(welcome)
    welcome.ftp_field.setText("235")
    welcome.units.set_value("imperial")
    welcome.weight_field.setText("163")
    welcome.start_button.setFocus()
    kit.save(welcome, out / "welcome.png")

    # 3 devices: after a scan
    devices = DevicesView(ShotDevicesPort())  # type: ignore[arg-type]
    shown(devices)
    devices.start_scan()
    kit.settle()
    devices.refresh_live()
    kit.save(devices, out / "devices.png")

    # 3b devices: a scan that could not run
    failing = ShotDevicesPort()
    failing.fail_with = ScanProblem(
        "Bluetooth is turned off. Turn it on in your system settings and try again."
    )
    failed = DevicesView(failing)  # type: ignore[arg-type]
    shown(failed)
    failed.start_scan()
    kit.save(failed, out / "devices-failed.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
