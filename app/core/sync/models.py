"""What the sync server sends, as plain typed values (validated by the HTTP adapter)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "CalendarEntry",
    "ComponentState",
    "ComponentStatus",
    "Diagnosis",
    "Entitlement",
    "Incident",
    "LibraryPage",
    "Profile",
    "RemoteRide",
    "RemoteWorkout",
    "ServiceIndicator",
    "StatusSummary",
    "UploadResult",
    "profile_to_json",
]


@dataclass(frozen=True, slots=True)
class Entitlement:
    active: bool
    valid_until: datetime | None


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    email: str
    display_name: str
    ftp_w: int
    weight_kg: float | None
    entitlement: Entitlement


def profile_to_json(profile: Profile) -> str:
    """The cached form of the profile (LibraryStore.store_profile)."""
    valid_until = profile.entitlement.valid_until
    return json.dumps(
        {
            "id": profile.id,
            "email": profile.email,
            "display_name": profile.display_name,
            "ftp_w": profile.ftp_w,
            "weight_kg": profile.weight_kg,
            "entitlement": {
                "active": profile.entitlement.active,
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
        },
        sort_keys=True,
    )


@dataclass(frozen=True, slots=True)
class RemoteWorkout:
    id: str
    version: int
    updated_at: datetime
    name: str
    format: str  # a wire name of app.core.workouts.formats.FORMATS (SYNC_WIRE_NAMES)
    content: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LibraryPage:
    """One page of the library delta. `invalid` are items the client could not even read
    as a Workout (id, why): skipped and reported, like workouts that fail to parse."""

    workouts: tuple[RemoteWorkout, ...]
    deleted: tuple[str, ...]
    cursor: str
    has_more: bool
    etag: str | None = None
    invalid: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    date: date
    workout_id: str
    note: str | None


@dataclass(frozen=True, slots=True)
class UploadResult:
    """The server's final answer to PUT /rides/{id} (after the client's short retries)."""

    status: int
    error_code: str = ""
    message: str = ""
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class RemoteRide:
    id: str
    started_at: datetime
    duration_s: float
    sha256: str


# -- Statuspage v2 summary ------------------------------------------------------------------


class ServiceIndicator(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str) -> ServiceIndicator:
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


class ComponentState(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str) -> ComponentState:
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    name: str
    state: ComponentState


@dataclass(frozen=True, slots=True)
class Incident:
    name: str
    status: str  # investigating | identified | monitoring | resolved | ... (shown as is)
    impact: str
    latest_update: str | None = None


@dataclass(frozen=True, slots=True)
class StatusSummary:
    page_name: str
    indicator: ServiceIndicator
    description: str
    components: tuple[ComponentStatus, ...] = ()
    incidents: tuple[Incident, ...] = ()
    maintenances: tuple[Incident, ...] = ()
    fetched_at: datetime | None = None

    def troubled_components(self) -> tuple[ComponentStatus, ...]:
        return tuple(c for c in self.components if c.state is not ComponentState.OPERATIONAL)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The answer to "is it me or them?". `network_ok` is False when this computer seems
    to have no working network; `server_reachable` when the server host accepted a
    connection (and a TLS handshake)."""

    network_ok: bool
    server_reachable: bool
    message: str
    steps: tuple[str, ...] = field(default=())
