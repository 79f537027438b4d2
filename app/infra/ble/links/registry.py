"""The one table of trainer protocols Freewheel controls: `TRAINER_PROTOCOLS`.

Each row says which link class drives the protocol, how a device is recognised as
speaking it (advertised or discovered service UUIDs, or a name hint next to a service)
and a label for people. The scanner's classification (`recognised_protocol`), the scan
filter, `link_for` and the remembered devices read this table; nothing else restates the
protocols. The rows are in order of preference: a trainer that offers several protocols
is driven by the first one it offers (FTMS over FE-C over Wahoo legacy).

Adding a trainer protocol: its codec in `app/core/devices/`, its link module in
`app/infra/ble/links/`, a `TrainerProtocol` member and a row here (and a virtual
peripheral in `app/infra/ble/virtual/` for the tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from bleak.backends.device import BLEDevice

from app.core.devices.uuids import (
    CYCLING_POWER_SERVICE_UUID,
    FEC_SERVICE_UUID,
    FTMS_SERVICE_UUID,
    WAHOO_FITNESS_MACHINE_SERVICE_UUID,
)
from app.core.ports import Clock
from app.infra.ble.errors import TrainerLinkError
from app.infra.ble.links.base import TrainerLinkBase
from app.infra.ble.links.fec import FecTrainerLink
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.wahoo import WahooTrainerLink

__all__ = [
    "TRAINER_PROTOCOLS",
    "TRAINER_SERVICE_UUIDS",
    "TrainerProtocol",
    "TrainerProtocolSpec",
    "link_for",
    "recognised_protocol",
    "spec_for",
]


class TrainerProtocol(StrEnum):
    """How a trainer is controlled; the value is what devices.json and `--json` store."""

    FTMS = "ftms"
    FEC = "fec"
    WAHOO = "wahoo"


@dataclass(frozen=True, slots=True)
class TrainerProtocolSpec:
    """One trainer protocol: its link, how it is recognised, what people call it."""

    protocol: TrainerProtocol
    label: str
    link: type[TrainerLinkBase]
    service_uuids: tuple[str, ...]
    """Any one of these (full lowercase UUIDs) advertised or discovered: this protocol."""
    name_hints: tuple[str, ...] = ()
    """Or: a name containing one of these (lower case) ..."""
    hinted_service_uuids: tuple[str, ...] = ()
    """... on a device offering one of these services (a KICKR that advertises only
    Cycling Power)."""

    def recognises(self, services: Set[str], lowered_name: str) -> bool:
        """Whether a device with these (normalised) services and name speaks it."""
        if not services.isdisjoint(self.service_uuids):
            return True
        return not services.isdisjoint(self.hinted_service_uuids) and any(
            hint in lowered_name for hint in self.name_hints
        )


TRAINER_PROTOCOLS: tuple[TrainerProtocolSpec, ...] = (
    TrainerProtocolSpec(
        TrainerProtocol.FTMS,
        "FTMS",
        FtmsTrainerLink,
        service_uuids=(FTMS_SERVICE_UUID,),
    ),
    TrainerProtocolSpec(
        TrainerProtocol.FEC,
        "Tacx FE-C",
        FecTrainerLink,
        service_uuids=(FEC_SERVICE_UUID,),
    ),
    TrainerProtocolSpec(
        TrainerProtocol.WAHOO,
        "Wahoo legacy",
        WahooTrainerLink,
        service_uuids=(WAHOO_FITNESS_MACHINE_SERVICE_UUID,),
        name_hints=("kickr", "wahoo"),
        hinted_service_uuids=(CYCLING_POWER_SERVICE_UUID,),
    ),
)
"""Every trainer protocol, in order of preference."""

TRAINER_SERVICE_UUIDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        uuid
        for spec in TRAINER_PROTOCOLS
        for uuid in (*spec.service_uuids, *spec.hinted_service_uuids)
    )
)
"""Every service a trainer protocol is recognised by (for the scan filter)."""

_BY_PROTOCOL = {spec.protocol: spec for spec in TRAINER_PROTOCOLS}


def spec_for(protocol: TrainerProtocol) -> TrainerProtocolSpec:
    """The registry row of `protocol`."""
    return _BY_PROTOCOL[protocol]


def recognised_protocol(services: Iterable[str], name: str | None = None) -> TrainerProtocol | None:
    """The preferred trainer protocol of a device with these normalised service UUIDs and
    this name, or None when it is no trainer Freewheel can control."""
    offered = frozenset(services)
    lowered = (name or "").lower()
    spec = next((s for s in TRAINER_PROTOCOLS if s.recognises(offered, lowered)), None)
    return None if spec is None else spec.protocol


class Connectable(Protocol):
    """What `link_for` needs of a scanned or remembered device (a `FoundDevice`)."""

    @property
    def name(self) -> str: ...

    @property
    def protocol(self) -> TrainerProtocol | None: ...

    @property
    def connect_target(self) -> BLEDevice | str: ...


def link_for(found: Connectable, *, clock: Clock, **kwargs: Any) -> TrainerLinkBase:
    """The trainer link for a scanned (or remembered) device, by its protocol.

    Other keywords go to the link (backend, timeouts, ...); `name` defaults to the
    device's. Raises TrainerLinkError for a device that is not a controllable trainer
    (a power meter, an HR strap).
    """
    if found.protocol is None:
        raise TrainerLinkError(f"{found.name} is not a trainer Freewheel can control.")
    kwargs.setdefault("name", found.name)
    return spec_for(found.protocol).link(found.connect_target, clock=clock, **kwargs)
