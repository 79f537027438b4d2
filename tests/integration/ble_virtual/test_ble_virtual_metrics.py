"""Figures for the virtual radio (printed, never asserted): run with `-s` to see them.

- connect + full service discovery through BleakClient
- notification-to-callback latency (peripheral send to bleak callback, one loop clock)
- FTMS control point round trip (write with response + indication)
- CPU time per 1,000 notifications, both stacks and the bleak callback together
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bleak import BleakClient
from bumble.gatt import Characteristic, Service

from app.core.devices.ftms import encode_request_control, encode_set_target_power
from app.core.devices.uuids import FTMS_CONTROL_POINT_UUID
from app.infra.ble.virtual import CustomPeripheral, VirtualFtmsTrainer, VirtualRadio

STREAM_SERVICE = "8e410001-f315-4f60-9fb8-838830daea50"
STREAM_CHAR = "8e410002-f315-4f60-9fb8-838830daea50"
NOTIFICATIONS = 1000


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"median {statistics.median(values) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms, "
        f"max {max(values) * 1e3:.2f} ms (n={len(values)})"
    )


def test_measure_virtual_radio(run_radio):
    async def body(radio: VirtualRadio) -> None:
        loop = asyncio.get_running_loop()
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)

        connects: list[float] = []
        for _ in range(10):
            client = BleakClient(trainer.address, backend=radio.client_backend)
            started = time.perf_counter()
            await client.connect()
            connects.append(time.perf_counter() - started)
            await client.disconnect()
            await trainer.wait_disconnected()
        print(f"\nconnect + discovery: {_ms(connects)}")

        answers: asyncio.Queue[bytes] = asyncio.Queue()
        round_trips: list[float] = []
        async with BleakClient(trainer.address, backend=radio.client_backend) as client:
            await client.start_notify(
                FTMS_CONTROL_POINT_UUID, lambda _, d: answers.put_nowait(bytes(d))
            )
            await client.write_gatt_char(
                FTMS_CONTROL_POINT_UUID, encode_request_control(), response=True
            )
            await answers.get()
            for i in range(50):
                started = time.perf_counter()
                await client.write_gatt_char(
                    FTMS_CONTROL_POINT_UUID, encode_set_target_power(100 + i), response=True
                )
                assert (await answers.get())[:3] == b"\x80\x05\x01"
                round_trips.append(time.perf_counter() - started)
        print(f"control point round trip: {_ms(round_trips)}")

        stream: Characteristic[bytes] = Characteristic(
            STREAM_CHAR, Characteristic.Properties.NOTIFY, Characteristic.Permissions(0)
        )
        source = CustomPeripheral("Stream", [Service(STREAM_SERVICE, [stream])], [STREAM_SERVICE])
        await radio.add(source)
        sent_at: list[float] = [0.0] * NOTIFICATIONS
        latencies: list[float] = []
        done = asyncio.Event()

        def on_value(_: object, data: bytearray) -> None:
            latencies.append(loop.time() - sent_at[int.from_bytes(data[:2], "little")])
            if len(latencies) == NOTIFICATIONS:
                done.set()

        async with BleakClient(source.address, backend=radio.client_backend) as client:
            await client.start_notify(STREAM_CHAR, on_value)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for seq in range(NOTIFICATIONS):
                sent_at[seq] = loop.time()
                await source.notify(stream, seq.to_bytes(2, "little") + bytes(12))
                if seq % 10 == 9:
                    await asyncio.sleep(0)  # let callbacks run, as a paced sensor would
            await done.wait()
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        print(f"notification -> callback latency: {_ms(latencies)}")
        print(
            f"{NOTIFICATIONS} notifications: {cpu * 1e3:.0f} ms CPU, {wall * 1e3:.0f} ms wall "
            f"({cpu / NOTIFICATIONS * 1e6:.0f} us CPU each, both stacks + bleak)"
        )
        assert len(latencies) == NOTIFICATIONS

    run_radio(body, timeout_s=20)
