"""A Statuspage v2 summary client (`/api/v2/summary.json`): our reference server's, or
any Statuspage-compatible page. Unknown status values become "unknown"; anything that is
not a summary at all is a `BadResponse`. One attempt, short timeouts: it is a nicety.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.core.sync.errors import BadResponse, ServerTrouble, Unreachable
from app.core.sync.models import (
    ComponentState,
    ComponentStatus,
    Incident,
    ServiceIndicator,
    StatusSummary,
)
from app.infra.http.fetch import (
    DEFAULT_MAX_BYTES,
    header,
    parse_retry_after,
    read_bounded,
    unreachable_from,
    validation_words,
)

__all__ = ["STATUS_TIMEOUT", "StatusPageClient", "parse_summary"]

STATUS_TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)
MAX_COMPONENTS = 100
MAX_INCIDENTS = 20

Text = Annotated[str, Field(max_length=10_000)]


class _Lenient(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Page(_Lenient):
    name: Text = ""


class _Status(_Lenient):
    indicator: Text = "unknown"
    description: Text = ""


class _Component(_Lenient):
    name: Text
    status: Text = "unknown"
    group: bool | None = False


class _Update(_Lenient):
    body: Text = ""
    status: Text = ""


class _Incident(_Lenient):
    name: Text
    status: Text = ""
    impact: Text = ""
    incident_updates: list[_Update] = []


class _Summary(_Lenient):
    page: _Page
    status: _Status
    components: list[_Component] = []
    incidents: list[_Incident] = []
    scheduled_maintenances: list[_Incident] = []


def _incident(wire: _Incident) -> Incident:
    latest = wire.incident_updates[0].body[:500] if wire.incident_updates else None
    return Incident(wire.name[:200], wire.status, wire.impact, latest)


def parse_summary(body: bytes, fetched_at: datetime | None = None) -> StatusSummary:
    try:
        wire = _Summary.model_validate_json(body)
    except ValidationError as exc:
        raise validation_words("status page", exc) from None
    return StatusSummary(
        page_name=wire.page.name[:200],
        indicator=ServiceIndicator.parse(wire.status.indicator),
        description=wire.status.description[:300],
        components=tuple(
            ComponentStatus(c.name[:200], ComponentState.parse(c.status))
            for c in wire.components[:MAX_COMPONENTS]
            if not c.group
        ),
        incidents=tuple(_incident(i) for i in wire.incidents[:MAX_INCIDENTS]),
        maintenances=tuple(_incident(i) for i in wire.scheduled_maintenances[:MAX_INCIDENTS]),
        fetched_at=fetched_at,
    )


class StatusPageClient:
    def __init__(
        self,
        url: str,
        transport: httpx.BaseTransport | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout: httpx.Timeout = STATUS_TIMEOUT,
    ) -> None:
        self.url = url
        self._now = now
        self._client = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def summary(self) -> StatusSummary:
        try:
            with self._client.stream("GET", self.url) as response:
                body = read_bounded(response, DEFAULT_MAX_BYTES)
                status = response.status_code
                retry_after = header(response.headers, "retry-after")
        except httpx.TransportError as exc:
            raise unreachable_from(exc) from None
        except httpx.DecodingError as exc:
            raise BadResponse(f"status page: undecodable body: {exc}") from None
        except httpx.InvalidURL as exc:
            raise Unreachable("other", str(exc)) from None
        if status != 200:
            if status >= 500 or status in (408, 425, 429):
                raise ServerTrouble(status, parse_retry_after(retry_after, self._now))
            raise BadResponse(f"status page: HTTP {status}")
        return parse_summary(body, self._now())
