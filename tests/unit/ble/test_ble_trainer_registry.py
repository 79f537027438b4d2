"""The table of trainer protocols and the base every trainer link shares: no radio."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.core.devices.uuids import (
    CSC_SERVICE_UUID,
    CYCLING_POWER_SERVICE_UUID,
    FEC_SERVICE_UUID,
    FTMS_SERVICE_UUID,
    HEART_RATE_SERVICE_UUID,
    WAHOO_FITNESS_MACHINE_SERVICE_UUID,
)
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import TrainerLinkError, TrainerUnavailableError
from app.infra.ble.links.base import TrainerLinkBase
from app.infra.ble.links.registry import (
    TRAINER_PROTOCOLS,
    TrainerProtocol,
    link_for,
    recognised_protocol,
    spec_for,
)
from app.infra.ble.scanner import SCAN_SERVICE_UUIDS, DeviceKind, FoundDevice, classify


class Clock:
    def monotonic_s(self) -> float:
        return 0.0

    def wall(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)


def test_every_protocol_has_one_row_with_its_own_link_and_a_label() -> None:
    assert [spec.protocol for spec in TRAINER_PROTOCOLS] == [
        TrainerProtocol.FTMS,
        TrainerProtocol.FEC,
        TrainerProtocol.WAHOO,
    ]  # the order of preference
    assert {spec.protocol for spec in TRAINER_PROTOCOLS} == set(TrainerProtocol)
    assert len({spec.link for spec in TRAINER_PROTOCOLS}) == len(TRAINER_PROTOCOLS)
    for spec in TRAINER_PROTOCOLS:
        assert spec_for(spec.protocol) is spec
        assert issubclass(spec.link, TrainerLinkBase)
        assert spec.label and spec.service_uuids


@pytest.mark.parametrize(
    ("services", "name", "protocol"),
    [
        ([FTMS_SERVICE_UUID, FEC_SERVICE_UUID], "Tacx Neo", TrainerProtocol.FTMS),
        ([FEC_SERVICE_UUID, WAHOO_FITNESS_MACHINE_SERVICE_UUID], "", TrainerProtocol.FEC),
        ([FTMS_SERVICE_UUID, WAHOO_FITNESS_MACHINE_SERVICE_UUID], "KICKR", TrainerProtocol.FTMS),
        ([CYCLING_POWER_SERVICE_UUID], "Wahoo KICKR SNAP", TrainerProtocol.WAHOO),
        # a name hint alone is not enough: it needs the Cycling Power service beside it
        ([HEART_RATE_SERVICE_UUID], "Wahoo TICKR", None),
        ([], "KICKR", None),
    ],
)
def test_the_first_row_a_device_matches_is_its_protocol(services, name, protocol) -> None:
    assert recognised_protocol(services, name) is protocol


def test_a_wahoo_named_heart_rate_strap_is_no_trainer() -> None:
    assert classify([HEART_RATE_SERVICE_UUID], "Wahoo TICKR") == (
        frozenset({DeviceKind.HR}),
        None,
    )


def test_the_scan_asks_for_every_service_a_trainer_or_sensor_is_recognised_by() -> None:
    recognising = {
        uuid
        for spec in TRAINER_PROTOCOLS
        for uuid in (*spec.service_uuids, *spec.hinted_service_uuids)
    }
    sensors = {CYCLING_POWER_SERVICE_UUID, HEART_RATE_SERVICE_UUID, CSC_SERVICE_UUID}
    assert set(SCAN_SERVICE_UUIDS) == recognising | sensors
    assert len(SCAN_SERVICE_UUIDS) == len(set(SCAN_SERVICE_UUIDS))


@pytest.mark.parametrize("spec", TRAINER_PROTOCOLS, ids=lambda spec: spec.protocol.value)
def test_link_for_builds_the_rows_link_named_after_the_device(spec) -> None:
    found = FoundDevice(
        "Bike", "AA:BB", None, frozenset({DeviceKind.TRAINER}), protocol=spec.protocol
    )
    link = link_for(found, clock=Clock(), command_timeout_s=1.5)
    assert type(link) is spec.link
    assert link.name == "Bike" and link.address == "AA:BB"
    assert link.command_timeout_s == 1.5
    renamed = link_for(found, clock=Clock(), name="Garage trainer")
    assert renamed.name == "Garage trainer"


# --- TrainerLinkBase --------------------------------------------------------------------------


class _Failing(TrainerLinkBase):
    """Connected as far as the base can tell; each command raises `self.failure`."""

    failure: Exception = RuntimeError("boom")
    up = True

    @property
    def connected(self) -> bool:
        return self.up

    async def _apply_locked(self, command: ControlCommand) -> None:
        raise self.failure


ERG_200 = ControlCommand(TrainerMode.ERG, target_w=200)


def test_a_device_failure_becomes_a_link_error_in_plain_words() -> None:
    link = _Failing("AA:BB", clock=Clock())
    link.failure = OSError("[Errno 5] Input/output error")
    with pytest.raises(TrainerLinkError) as caught:
        asyncio.run(link.apply(ERG_200))
    assert type(caught.value) is TrainerLinkError
    assert "Errno" not in str(caught.value) and str(caught.value)
    assert link.stats.commands == 0 and link.last_command is None


@pytest.mark.parametrize("failure", [ValueError("ERG command needs target_w"),
                                     TrainerUnavailableError("gone")])  # fmt: skip
def test_bad_commands_and_link_errors_pass_through_unchanged(failure) -> None:
    link = _Failing("AA:BB", clock=Clock())
    link.failure = failure
    with pytest.raises(type(failure)) as caught:
        asyncio.run(link.apply(ERG_200))
    assert caught.value is failure


def test_a_command_on_a_link_that_is_down_says_so() -> None:
    link = _Failing("AA:BB", clock=Clock(), name="Bike")
    link.up = False
    with pytest.raises(TrainerUnavailableError, match="Bike is not connected"):
        asyncio.run(link.apply(ERG_200))


@pytest.mark.parametrize("spec", TRAINER_PROTOCOLS, ids=lambda spec: spec.protocol.value)
def test_set_simulation_on_a_link_that_is_down_says_so(spec) -> None:
    link = spec.link("AA:BB", clock=Clock(), name="Bike")
    with pytest.raises(TrainerUnavailableError, match="Bike is not connected"):
        asyncio.run(link.set_simulation(3.0))
