"""Adapters from infra to the desktop app's ports (app/ui/*_ports.py).

Part of the composition root: the UI only sees the Protocols; these classes know the
journal, the exporters, the settings file, the keyring and Bluetooth.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.infra.paths import AppPaths

if TYPE_CHECKING:
    from app.core.settings import RiderSettings
    from app.core.workouts.model import Workout
    from app.runtime.device_loop import DeviceLoop
    from app.ui.ports.devices import DeviceInfo, LiveValue
    from app.ui.ports.history import InterruptedRide

log = logging.getLogger(__name__)


class Lazy:
    """An object built on first attribute access (screens the rider may never open)."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._built: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._built is None:
            self._built = self._factory()
        return getattr(self._built, name)


# -- history and export --------------------------------------------------------------------
def make_exporter(rides_db: Path) -> Callable[[str, Path, str], None]:
    def export_ride(ride_id: str, path: Path, kind: str) -> None:
        from app.infra.export.fit_activity import write_fit_activity
        from app.infra.export.ride_export import load_export_ride
        from app.infra.export.tcx import write_tcx

        ride = load_export_ride(rides_db, ride_id)
        (write_fit_activity if kind == "fit" else write_tcx)(ride, path)

    return export_ride


class RidesDbGuard:
    """The first reader of rides.db checks it: an unreadable file is moved aside (never
    deleted) and a fresh one started, once, before anything else opens it."""

    def __init__(self, rides_db: Path) -> None:
        self.rides_db = rides_db
        self._checked = False
        self.recovered: Path | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Path:
        with self._lock:
            if not self._checked:
                from app.infra.store.journal import recover_rides_db

                self.recovered = recover_rides_db(self.rides_db)
                self._checked = True
        return self.rides_db


# -- interrupted rides ---------------------------------------------------------------------
class InterruptedRides:
    """The journal's interrupted rides for the resume prompt, and what to do with them."""

    def __init__(self, guard: RidesDbGuard, rides: Any) -> None:
        self._guard = guard
        self.rides = rides  # LazyRides: the ride stack, built on first use

    @property
    def rides_db(self) -> Path:
        return self._guard()

    def interrupted(self) -> list[InterruptedRide]:
        from app.infra.store.journal import interrupted_rides
        from app.ui.ports.history import InterruptedRide

        found = []
        for record in interrupted_rides(self.rides_db):
            try:
                started = datetime.fromisoformat(record.started_at)
            except ValueError:
                started = datetime.now(UTC)
            found.append(InterruptedRide(record.id, record.workout_name, started,
                                         float(record.sample_count)))  # fmt: skip
        return found

    def save(self, ride_id: str) -> None:
        from app.core.ride.samples import summarize
        from app.infra.store.journal import load_ride, mark_ride

        ride = load_ride(self.rides_db, ride_id)
        mark_ride(self.rides_db, ride_id, "complete", summarize(ride.samples, ride.ftp_w))

    def discard(self, ride_id: str) -> None:
        from app.infra.store.journal import mark_ride

        mark_ride(self.rides_db, ride_id, "discarded", None)

    def starter(self, ride_id: str) -> tuple[Any, Workout, float]:
        """What the ride screen needs to carry the ride on: a RideStarter that resumes
        this ride (same id, same journal), its workout and FTP."""
        from app.infra.store.journal import load_ride

        ride = load_ride(self.rides_db, ride_id)
        workout, ftp_w = self.workout_of(ride_id)
        rides = self.rides

        class Resumer:
            def start(self, workout: Any, **kwargs: Any) -> Any:
                kwargs.pop("intensity_pct", None)  # the journal's resume point decides
                kwargs.pop("ftp_w", None)
                return rides.stack.resume(ride, **kwargs)

        return Resumer(), workout, ftp_w

    def workout_of(self, ride_id: str) -> tuple[Workout, float]:
        from app.core.workouts.json_form import workout_from_json
        from app.infra.store.journal import load_ride

        ride = load_ride(self.rides_db, ride_id)
        return workout_from_json(ride.workout_json, source=f"ride {ride_id}"), ride.ftp_w


# -- settings ------------------------------------------------------------------------------
class SettingsFile:
    def __init__(self, paths: AppPaths, keyring_state: Callable[[], str]) -> None:
        self.paths = paths
        self._keyring_state = keyring_state

    def load(self) -> tuple[RiderSettings, list[str]]:
        from app.infra.settings_store import load_settings

        return load_settings(self.paths.settings_file)

    def save(self, settings: RiderSettings) -> None:
        from app.infra.settings_store import save_settings

        save_settings(self.paths.settings_file, settings)

    @property
    def data_folder(self) -> Path:
        return self.paths.data_dir

    @property
    def keyring_state(self) -> str:
        return self._keyring_state()

    @property
    def server_url(self) -> str | None:
        from app.infra.sync_store import load_sync_settings

        return load_sync_settings(self.paths.settings_file).server_url

    @property
    def status_page_url(self) -> str | None:
        from app.infra.sync_store import load_sync_settings

        return load_sync_settings(self.paths.settings_file).status_url

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        from app.infra.sync_store import update_sync_settings

        update_sync_settings(self.paths.settings_file, server_url=server_url,
                             status_url=status_page_url)  # fmt: skip


# -- devices -------------------------------------------------------------------------------
class BluetoothDevices:
    """Scan on the device loop, remember a device per role, report live link state."""

    def __init__(self, paths: AppPaths, loop: Callable[[], DeviceLoop],
                 links: Callable[[], dict[str, Any]]) -> None:  # fmt: skip
        self._paths = paths
        self._remembered_store: Any = None
        self._loop = loop
        self._links = links
        self._found: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.simulator_chosen = False

    @property
    def _remembered(self) -> Any:
        """Opened on first use: it imports bleak, which the first frame must not wait for."""
        if self._remembered_store is None:
            from app.infra.ble.remembered import RememberedDevices

            self._remembered_store = RememberedDevices(self._paths.config_dir)
        return self._remembered_store

    def scan(self) -> concurrent.futures.Future[list[DeviceInfo]]:
        from app.infra.ble.errors import BluetoothUnavailable
        from app.infra.ble.scanner import scan
        from app.infra.ble.virtual_demo import virtual_backend_requested
        from app.ui.ports.devices import ScanFailed

        async def run() -> list[DeviceInfo]:
            try:
                if virtual_backend_requested():
                    from app.infra.ble.virtual_demo import start_virtual_demo

                    demo = await start_virtual_demo()
                    try:
                        found = await scan(2.0, backend=demo.radio.scanner_backend)
                    finally:
                        await demo.close()
                else:
                    found = await scan()
            except BluetoothUnavailable as exc:
                problem = exc.problem
                raise ScanFailed(problem.message, offer_simulator=problem.offer_simulator) from exc
            with self._lock:
                self._found = {f.address: f for f in found}
            return [_device_info(f) for f in found]

        return self._loop().submit(run())

    def assignments(self) -> dict[str, DeviceInfo | None]:
        from app.core.devices.roles import Role

        remembered = self._remembered.all()
        return {
            role.value: _device_info(remembered[role]) if role in remembered else None
            for role in Role
        }

    def assign(self, role: str, device: DeviceInfo | None) -> None:
        from app.core.devices.roles import Role

        if device is None:
            self._remembered.forget(Role(role))
            return
        with self._lock:
            found = self._found.get(device.address)
        if found is not None:
            self._remembered.remember(Role(role), found)

    def use_simulator(self) -> None:
        self.simulator_chosen = True

    def live(self) -> dict[str, LiveValue]:
        from app.ui.ports.devices import LinkState, LiveValue

        out: dict[str, LiveValue] = {}
        for role, link in self._links().items():
            reading = link.latest() if link is not None else None
            if link is None:
                out[role] = LiveValue()
            elif reading is None:
                out[role] = LiveValue(LinkState.LOST, "lost — reconnecting")
            else:
                text = _live_text(role, reading)
                out[role] = LiveValue(LinkState.CONNECTED, text)
        return out


def _device_info(found: Any) -> DeviceInfo:
    from app.ui.ports.devices import DeviceInfo

    return DeviceInfo(
        name=found.name,
        address=found.address,
        rssi=getattr(found, "rssi", None),
        kinds=frozenset(getattr(k, "value", str(k)) for k in found.kinds),
    )


def _live_text(role: str, reading: Any) -> str:
    if role == "hr" and reading.hr_bpm is not None:
        return f"{reading.hr_bpm:.0f} bpm"
    if role == "cadence" and reading.cadence_rpm is not None:
        return f"{reading.cadence_rpm:.0f} rpm"
    if reading.power_w is not None:
        return f"{reading.power_w:.0f} W"
    return "connected"


# -- sync ----------------------------------------------------------------------------------
class LazySync:
    """GuiSync built on first use: opening the app must not wait for httpx and the
    keyring. The window touches it right after its first frame."""

    def __init__(self, paths: AppPaths, library: Any, before: Callable[[], object]) -> None:
        self._args = (paths, library)
        self._before = before  # e.g. the rides.db check: the outbox lives in that file
        self._sync: GuiSync | None = None

    @property
    def built(self) -> GuiSync:
        if self._sync is None:
            self._before()
            self._sync = GuiSync(*self._args)
        return self._sync

    def __getattr__(self, name: str) -> Any:
        return getattr(self.built, name)

    def ride_finished(self) -> None:
        if self._sync is not None:
            self._sync.ride_finished()

    def close(self) -> bool:
        """True when no sync is left running (so the library may be closed)."""
        return self._sync.close() if self._sync is not None else True


class GuiSync:
    """The desktop app's SyncControl over a SyncStack; rebuilds the stack when the rider
    signs in to a (new) server. Network calls run on a small pool, never the UI thread."""

    def __init__(self, paths: AppPaths, library: Any) -> None:
        from app.cli.sync import build_sync_stack

        self.paths = paths
        self.library = library
        self._listeners: list[Callable[[Any], None]] = []
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sync-ui")
        self._stack = build_sync_stack(paths, library=library)
        self._last = self._stack.worker.status
        self._stack.worker.add_listener(self._remember)
        self._stack.worker.start()

    def _remember(self, status: Any) -> None:
        self._last = status
        for listener in list(self._listeners):
            listener(status)

    # SyncControl -------------------------------------------------------------------------
    def status(self) -> Any:
        return self._last

    def add_listener(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def sync_now(self) -> None:
        self._stack.worker.sync_now()

    def ride_finished(self) -> None:
        self._stack.worker.ride_finished()

    def sign_in(
        self, server_url: str, email: str, password: str
    ) -> concurrent.futures.Future[None]:
        return self._pool.submit(self._sign_in, server_url, email, password)

    def _sign_in(self, server_url: str, email: str, password: str) -> None:
        from app.cli.sync import SignInFailed, sign_in_with_password

        try:
            _, tokens, _ = sign_in_with_password(self.paths, server_url, email, password)
        except SignInFailed as exc:
            raise RuntimeError(f"Could not sign in: {exc}.") from None
        except Exception as exc:  # a bad URL and the like: the message is for the rider
            raise RuntimeError(f"Could not sign in: {exc}") from None
        self._rebuild(tokens)
        self._stack.worker.sync_now()

    def _rebuild(self, tokens: Any) -> None:
        from app.cli.sync import build_sync_stack

        old = self._stack
        old.close()
        self._stack = build_sync_stack(self.paths, library=self.library, tokens=tokens)
        self._stack.worker.add_listener(self._remember)
        self._stack.worker.start()

    def sign_out(self) -> concurrent.futures.Future[None]:
        return self._pool.submit(self._sign_out)

    def _sign_out(self) -> None:
        from app.core.sync.errors import BackendError
        from app.infra.http.backend import BackendClient
        from app.infra.sync_store import update_sync_settings

        tokens = self._stack.tokens
        token = tokens.load()
        server = self._stack.settings.server_url
        if token is not None and server:
            try:
                with BackendClient(server, lambda: token) as client:
                    client.sign_out()
            except BackendError as exc:
                log.info("server not told about the sign-out: %s", exc)
        tokens.clear()
        update_sync_settings(self.paths.settings_file, token_storage=None)
        self._stack.worker.sync_now()

    def check_connection(self) -> concurrent.futures.Future[str]:
        return self._pool.submit(self._check)

    def _check(self) -> str:
        from app.infra.http.backend import BackendClient

        server = self._stack.settings.server_url
        reachability = self._stack.session.ports.reachability
        if not server or reachability is None:
            raise RuntimeError("No server is set up yet: sign in first.")
        diagnosis = reachability.diagnose()
        if getattr(diagnosis, "server_reachable", False):
            with BackendClient(server, lambda: None) as client:
                if client.healthy():
                    return "Your connection works and the server answers."
        return str(diagnosis.message)

    def status_page_summary(self) -> concurrent.futures.Future[Any]:
        return self._pool.submit(self._summary)

    def _summary(self) -> Any:
        from app.core.sync.errors import BackendError
        from app.infra.http.status_page import StatusPageClient

        page = self._stack.session.ports.status_page
        if page is None:
            return None
        client = StatusPageClient(getattr(page, "url", ""))
        try:
            return client.summary()
        except BackendError as exc:
            raise RuntimeError(f"The status page did not answer: {exc}") from None
        finally:
            client.close()

    @property
    def keyring_state(self) -> str:
        storage = str(getattr(self._last, "token_state", ""))
        words = {
            "in keyring": "OS keyring",
            "memory only": "memory only this session",
            "plaintext opt-in": "plaintext file (opted in)",
        }
        return words.get(storage, storage)

    def close(self) -> bool:
        self._pool.shutdown(wait=False, cancel_futures=True)
        return self._stack.close()


def todays_workout_source(library: Any, rides_db: Callable[[], Path]) -> Callable[[], Any]:
    """Today's workout from the cached calendar; else the next planned; else the last
    ridden. Works offline: everything comes from the caches."""

    def today() -> Any:
        from datetime import date, timedelta

        from app.ui.ports.sync import TodayWorkout

        first = date.today()
        entries = library.calendar(first.isoformat(), (first + timedelta(days=28)).isoformat())
        for day, workout_id, note in entries:
            entry = library.get(f"synced:{workout_id}") or library.find(workout_id)
            if entry is None:
                continue
            title = "Today" if day == first.isoformat() else "Next planned"
            return TodayWorkout(title=title, workout_id=entry.id, workout_name=entry.name,
                                duration_s=entry.duration_s, date=date.fromisoformat(day),
                                note=note or "")  # fmt: skip
        return _last_ridden(library, rides_db())

    return today


def _last_ridden(library: Any, rides_db: Path) -> Any:
    from datetime import date

    from app.infra.store.journal import list_rides
    from app.ui.ports.sync import TodayWorkout

    if not rides_db.exists():
        return None
    for record in reversed(list_rides(rides_db)):
        entry = library.find(record.workout_name) if record.state == "complete" else None
        if entry is not None:
            return TodayWorkout(
                title="Last ridden",
                workout_id=entry.id,
                workout_name=entry.name,
                duration_s=entry.duration_s,
                date=date.today(),
                note="",
            )
    return None
