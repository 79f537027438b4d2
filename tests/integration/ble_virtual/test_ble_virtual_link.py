"""The virtual radio through the real bleak API: scan, connect, GATT, errors, disconnects."""

from __future__ import annotations

import asyncio

import pytest
from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.exc import BleakDeviceNotFoundError, BleakError, BleakGATTProtocolError
from bleak_retry_connector import establish_connection
from bumble.att import ATT_Error
from bumble.gatt import Characteristic, CharacteristicValue, Service

from app.core.devices.ftms import (
    TargetSettingFeature,
    parse_fitness_machine_feature,
    parse_supported_power_range,
    parse_supported_resistance_range,
)
from app.core.devices.uuids import (
    BATTERY_LEVEL_UUID,
    CYCLING_POWER_SERVICE_UUID,
    FEC_SERVICE_UUID,
    FTMS_CONTROL_POINT_UUID,
    FTMS_FEATURE_UUID,
    FTMS_INDOOR_BIKE_DATA_UUID,
    FTMS_MACHINE_STATUS_UUID,
    FTMS_SERVICE_UUID,
    FTMS_SUPPORTED_POWER_RANGE_UUID,
    FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID,
    HEART_RATE_SERVICE_UUID,
)
from app.infra.ble.virtual import (
    CustomPeripheral,
    VirtualFecTrainer,
    VirtualFtmsTrainer,
    VirtualHeartRateStrap,
    VirtualPowerMeter,
    VirtualRadio,
)

SCAN_S = 0.15  # advertising runs every 20 ms: several reports per device in a scan this long


def test_filtered_scan_finds_only_the_ftms_trainer_with_its_service_data(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        strap = VirtualHeartRateStrap()
        meter = VirtualPowerMeter()
        fec = VirtualFecTrainer()
        for peripheral in (trainer, strap, meter, fec):
            await radio.add(peripheral)

        found = await BleakScanner.discover(
            SCAN_S,
            return_adv=True,
            service_uuids=[FTMS_SERVICE_UUID],
            backend=radio.scanner_backend,
        )
        assert list(found) == [trainer.address]
        device, adv = found[trainer.address]
        assert device.name == adv.local_name == "Virtual FTMS"
        assert adv.service_uuids == [FTMS_SERVICE_UUID]
        assert adv.service_data == {FTMS_SERVICE_UUID: b"\x01\x20\x00"}
        assert -60 <= adv.rssi <= -40

        everything = await BleakScanner.discover(
            SCAN_S, return_adv=True, backend=radio.scanner_backend
        )
        assert set(everything) == {p.address for p in (trainer, strap, meter, fec)}
        assert everything[strap.address][1].service_uuids == [HEART_RATE_SERVICE_UUID]
        assert everything[meter.address][1].service_uuids == [CYCLING_POWER_SERVICE_UUID]
        # a 128-bit service UUID filters like a 16-bit one (OR semantics across the list)
        either = await BleakScanner.discover(
            SCAN_S,
            return_adv=True,
            service_uuids=[FEC_SERVICE_UUID, HEART_RATE_SERVICE_UUID],
            backend=radio.scanner_backend,
        )
        assert set(either) == {fec.address, strap.address}
        assert either[fec.address][1].local_name == "Tacx Sim"

    run_radio(body)


def test_scanner_detection_callback_and_find_helpers(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer(name="KICKR CORE 1234")
        await radio.add(trainer)
        await radio.add(VirtualHeartRateStrap())
        seen: asyncio.Queue[str] = asyncio.Queue()
        scanner = BleakScanner(
            lambda device, adv: seen.put_nowait(device.address),
            service_uuids=[FTMS_SERVICE_UUID],
            backend=radio.scanner_backend,
        )
        async with scanner:
            assert await seen.get() == trainer.address
        assert scanner.backend_id == "VirtualBleakScanner"

        by_address = await BleakScanner.find_device_by_address(
            trainer.address.lower(), timeout=2.0, backend=radio.scanner_backend
        )
        assert by_address is not None and by_address.name == "KICKR CORE 1234"
        by_name = await BleakScanner.find_device_by_name(
            "KICKR CORE 1234", timeout=2.0, backend=radio.scanner_backend
        )
        assert by_name is not None and by_name.address == trainer.address

    run_radio(body)


def test_connect_discovers_ftms_and_reads_feature_and_ranges(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        device = await BleakScanner.find_device_by_address(
            trainer.address, timeout=2.0, backend=radio.scanner_backend
        )
        assert device is not None
        async with BleakClient(device, backend=radio.client_backend) as client:
            assert client.is_connected
            assert client.backend_id == "VirtualBleakClient"
            assert client.name == "Virtual FTMS"
            assert client.mtu_size == 23
            ftms = client.services.get_service(FTMS_SERVICE_UUID)
            assert ftms is not None
            chars = {c.uuid: c for c in ftms.characteristics}
            assert set(chars) == {
                FTMS_FEATURE_UUID,
                FTMS_INDOOR_BIKE_DATA_UUID,
                FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID,
                FTMS_SUPPORTED_POWER_RANGE_UUID,
                FTMS_CONTROL_POINT_UUID,
                FTMS_MACHINE_STATUS_UUID,
            }
            assert chars[FTMS_CONTROL_POINT_UUID].properties == ["write", "indicate"]
            assert chars[FTMS_INDOOR_BIKE_DATA_UUID].properties == ["notify"]
            cccd = chars[FTMS_INDOOR_BIKE_DATA_UUID].get_descriptor("2902")
            assert cccd is not None
            assert chars[FTMS_CONTROL_POINT_UUID].max_write_without_response_size == 20

            feature = parse_fitness_machine_feature(await client.read_gatt_char(FTMS_FEATURE_UUID))
            assert feature.supports_power_target
            assert feature.supports_resistance_target
            assert feature.supports_simulation
            assert TargetSettingFeature.POWER in feature.target_setting
            power_range = parse_supported_power_range(
                await client.read_gatt_char(FTMS_SUPPORTED_POWER_RANGE_UUID)
            )
            assert (power_range.minimum_w, power_range.maximum_w) == (0, 2000)
            resistance = parse_supported_resistance_range(
                await client.read_gatt_char(FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID)
            )
            assert resistance.maximum_level == 100.0
            assert await client.read_gatt_char(BATTERY_LEVEL_UUID) == bytearray([87])
            # the central's cache answers use_cached reads
            assert await client.read_gatt_char(BATTERY_LEVEL_UUID, use_cached=True) == bytearray(
                [87]
            )
        assert not client.is_connected
        await trainer.wait_disconnected()

    run_radio(body)


def test_connect_by_address_string_and_unknown_address(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        async with BleakClient(trainer.address.lower(), backend=radio.client_backend) as client:
            assert client.is_connected
            assert client.name == "Virtual FTMS"

        with pytest.raises(BleakDeviceNotFoundError):
            await BleakClient("F0:AA:BB:CC:DD:EE", backend=radio.client_backend).connect()

        await radio.remove(trainer)
        with pytest.raises(BleakDeviceNotFoundError):
            await BleakClient(trainer.address, backend=radio.client_backend).connect()
        found = await BleakScanner.discover(SCAN_S, backend=radio.scanner_backend)
        assert found == []

    run_radio(body)


def test_connect_times_out_while_out_of_range_then_succeeds(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        await trainer.set_advertising(False)
        client = BleakClient(trainer.address, timeout=0.2, backend=radio.client_backend)
        with pytest.raises(TimeoutError):
            await client.connect()
        assert not client.is_connected

        await trainer.set_advertising(True)
        await client.connect()  # the timed-out attempt left nothing pending
        assert client.is_connected
        await client.disconnect()

    run_radio(body)


def test_peripheral_disconnect_fires_callback_and_reconnect_works(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        dropped: asyncio.Queue[BleakClient] = asyncio.Queue()
        client = BleakClient(
            trainer.address,
            disconnected_callback=dropped.put_nowait,
            backend=radio.client_backend,
        )
        await client.connect()
        await trainer.wait_connected()

        await trainer.disconnect()
        assert await dropped.get() is client
        assert not client.is_connected
        with pytest.raises(BleakError):
            await client.read_gatt_char(FTMS_FEATURE_UUID)

        await client.connect()
        assert client.is_connected
        assert trainer.connection_count == 2
        assert len(await client.read_gatt_char(FTMS_FEATURE_UUID)) == 8

        # a client-side disconnect also fires the callback, as on BlueZ
        await client.disconnect()
        assert await dropped.get() is client
        await trainer.wait_disconnected()

    run_radio(body)


def test_stopping_the_radio_disconnects_clients(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        dropped = asyncio.Event()
        client = BleakClient(
            trainer.address,
            disconnected_callback=lambda _: dropped.set(),
            backend=radio.client_backend,
        )
        await client.connect()
        await radio.stop()
        await dropped.wait()
        assert not client.is_connected
        assert not trainer.is_attached
        assert not radio.is_started

    run_radio(body)


def test_retry_connector_establishes_a_connection(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        device = await BleakScanner.find_device_by_address(
            trainer.address, timeout=2.0, backend=radio.scanner_backend
        )
        assert device is not None
        client = await establish_connection(
            BleakClient, device, trainer.name, backend=radio.client_backend
        )
        try:
            assert client.is_connected
            assert len(await client.read_gatt_char(FTMS_FEATURE_UUID)) == 8
        finally:
            await client.disconnect()

    run_radio(body)


CUSTOM_SERVICE = "8e400001-f315-4f60-9fb8-838830daea50"
CUSTOM_VALUE = "8e400002-f315-4f60-9fb8-838830daea50"
CUSTOM_COMMAND = "8e400003-f315-4f60-9fb8-838830daea50"
CUSTOM_EVENTS = "8e400004-f315-4f60-9fb8-838830daea50"


def test_custom_peripheral_is_found_read_written_and_notifies(run_radio):
    written: list[bytes] = []

    def on_command(connection, value: bytes) -> None:
        if value == b"\xee":
            raise ATT_Error(0x80)  # an application error code
        written.append(bytes(value))

    value_char = Characteristic(
        CUSTOM_VALUE, Characteristic.Properties.READ, Characteristic.READABLE, b"hello"
    )
    command_char = Characteristic(
        CUSTOM_COMMAND,
        Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
        Characteristic.WRITEABLE,
        CharacteristicValue(write=on_command),
    )
    events_char = Characteristic(
        CUSTOM_EVENTS,
        Characteristic.Properties.NOTIFY | Characteristic.Properties.INDICATE,
        Characteristic.Permissions(0),
    )
    peripheral = CustomPeripheral(
        "Gadget",
        [Service(CUSTOM_SERVICE, [value_char, command_char, events_char])],
        [CUSTOM_SERVICE],
        manufacturer_data={0x02E5: b"\x01\x02"},
    )

    async def body(radio: VirtualRadio) -> None:
        await radio.add(peripheral)
        found = await BleakScanner.discover(
            SCAN_S, return_adv=True, service_uuids=[CUSTOM_SERVICE], backend=radio.scanner_backend
        )
        device, adv = found[peripheral.address]
        # 31 bytes of legacy advertising: a 128-bit UUID and manufacturer data leave little
        # room, so the name is sent shortened
        assert adv.local_name and "Gadget".startswith(adv.local_name)
        assert adv.service_uuids == [CUSTOM_SERVICE]
        assert adv.manufacturer_data == {0x02E5: b"\x01\x02"}

        events: asyncio.Queue[tuple[BleakGATTCharacteristic, bytes]] = asyncio.Queue()
        async with BleakClient(device, backend=radio.client_backend) as client:
            assert await client.read_gatt_char(CUSTOM_VALUE) == b"hello"
            await client.write_gatt_char(CUSTOM_COMMAND, b"\x01", response=True)
            await client.write_gatt_char(CUSTOM_COMMAND, b"\x02", response=False)
            with pytest.raises(BleakGATTProtocolError) as raised:
                await client.write_gatt_char(CUSTOM_COMMAND, b"\xee", response=True)
            assert raised.value.code == 0x80

            async def on_event(sender: BleakGATTCharacteristic, data: bytearray) -> None:
                events.put_nowait((sender, bytes(data)))  # async callbacks work too

            await client.start_notify(CUSTOM_EVENTS, on_event)
            await peripheral.notify(events_char, b"ping")
            sender, data = await events.get()
            assert (sender.uuid, data) == (CUSTOM_EVENTS, b"ping")
            await client.stop_notify(CUSTOM_EVENTS)
            assert not peripheral.any_subscriber(events_char)

            with pytest.raises(BleakError):
                await client.start_notify(CUSTOM_VALUE, on_event)  # read-only
            # the Write Command (no response) arrives once the next request round-trips
            await client.read_gatt_char(CUSTOM_VALUE)
            assert written == [b"\x01", b"\x02"]

    run_radio(body)


def test_two_radios_do_not_see_each_other():
    async def main() -> None:
        async with asyncio.timeout(10), VirtualRadio() as one, VirtualRadio() as two:
            trainer = VirtualFtmsTrainer()
            await one.add(trainer)
            assert await BleakScanner.discover(SCAN_S, backend=two.scanner_backend) == []
            with pytest.raises(BleakDeviceNotFoundError):
                await BleakClient(trainer.address, backend=two.client_backend).connect()
            found = await BleakScanner.discover(SCAN_S, backend=one.scanner_backend)
            assert [d.address for d in found] == [trainer.address]

    asyncio.run(main())


def test_concurrent_connects_and_service_filter(run_radio):
    async def body(radio: VirtualRadio) -> None:
        peripherals = [VirtualFtmsTrainer(), VirtualHeartRateStrap(), VirtualPowerMeter()]
        for peripheral in peripherals:
            await radio.add(peripheral)
        clients = [
            BleakClient(p.address, services=[FTMS_SERVICE_UUID], backend=radio.client_backend)
            for p in peripherals
        ]
        await asyncio.gather(*(c.connect() for c in clients))
        assert all(c.is_connected for c in clients)
        assert all(p.is_connected for p in peripherals)
        # `services=` limits discovery, as on WinRT and macOS
        assert [s.uuid for s in clients[0].services] == [FTMS_SERVICE_UUID]
        assert list(clients[1].services) == []
        await asyncio.gather(*(c.disconnect() for c in clients))

    run_radio(body)


def test_link_dropping_during_a_request_raises_bleak_error(run_radio):
    release = asyncio.Event()

    async def slow_read(connection) -> bytes:
        await release.wait()
        return b"late"

    slow = Characteristic(
        CUSTOM_VALUE,
        Characteristic.Properties.READ,
        Characteristic.READABLE,
        CharacteristicValue(read=slow_read),
    )
    peripheral = CustomPeripheral("Slow", [Service(CUSTOM_SERVICE, [slow])], [CUSTOM_SERVICE])

    async def body(radio: VirtualRadio) -> None:
        await radio.add(peripheral)
        client = BleakClient(peripheral.address, backend=radio.client_backend)
        await client.connect()
        read = asyncio.ensure_future(client.read_gatt_char(CUSTOM_VALUE))
        await peripheral.disconnect()
        with pytest.raises(BleakError) as raised:
            await read
        assert not isinstance(raised.value, BleakGATTProtocolError)
        assert not client.is_connected
        release.set()

    run_radio(body)
