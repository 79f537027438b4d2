"""The Statuspage v2 summary: any compatible page, unknown statuses shown as "unknown",
garbage a BadResponse."""

from __future__ import annotations

import json

import httpx
import pytest

from app.core.sync.errors import BadResponse, ServerTrouble, Unreachable
from app.core.sync.models import ComponentState, ServiceIndicator
from app.infra.http.status_page import StatusPageClient, parse_summary

# Shaped like Atlassian Statuspage's public summary.json (trimmed).
REAL_SHAPE = {
    "page": {
        "id": "kctbh9vrtdwd",
        "name": "GitHub",
        "url": "https://www.githubstatus.com",
        "time_zone": "Etc/UTC",
        "updated_at": "2026-03-02T08:00:00.000Z",
    },
    "status": {"indicator": "minor", "description": "Partially Degraded Service"},
    "components": [
        {
            "id": "a",
            "name": "Git Operations",
            "status": "operational",
            "created_at": "x",
            "updated_at": "x",
            "position": 1,
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": None,
            "page_id": "p",
            "group": False,
            "only_show_if_degraded": False,
        },
        {"id": "b", "name": "API Requests", "status": "degraded_performance", "group": False},
        {"id": "g", "name": "A group", "status": "operational", "group": True, "components": ["a"]},
        {"id": "c", "name": "Webhooks", "status": "something_new", "group": False},
    ],
    "incidents": [
        {
            "id": "i",
            "name": "Slow API",
            "status": "investigating",
            "impact": "minor",
            "created_at": "x",
            "updated_at": "x",
            "shortlink": "https://stspg.io/x",
            "incident_updates": [
                {"body": "We are looking into it.", "status": "investigating", "created_at": "x"}
            ],
        },
    ],
    "scheduled_maintenances": [
        {
            "id": "m",
            "name": "DB upgrade",
            "status": "scheduled",
            "impact": "maintenance",
            "scheduled_for": "x",
            "scheduled_until": "y",
            "incident_updates": [],
        },
    ],
}


def test_parses_a_statuspage_summary():
    summary = parse_summary(json.dumps(REAL_SHAPE).encode())
    assert summary.page_name == "GitHub"
    assert summary.indicator is ServiceIndicator.MINOR
    assert [(c.name, c.state) for c in summary.components] == [
        ("Git Operations", ComponentState.OPERATIONAL),
        ("API Requests", ComponentState.DEGRADED_PERFORMANCE),
        ("Webhooks", ComponentState.UNKNOWN),
    ]
    assert summary.incidents[0].latest_update == "We are looking into it."
    assert summary.maintenances[0].name == "DB upgrade"
    assert [c.name for c in summary.troubled_components()] == ["API Requests", "Webhooks"]


def test_unknown_indicator_and_missing_optional_parts():
    body = {"page": {}, "status": {"indicator": "apocalyptic"}}
    summary = parse_summary(json.dumps(body).encode())
    assert summary.indicator is ServiceIndicator.UNKNOWN
    assert summary.components == ()


@pytest.mark.parametrize(
    "body",
    [
        b"<html>",
        b"[]",
        json.dumps(
            {
                "page": [],
                "status": {"indicator": 3, "description": None},
                "components": "none",
                "incidents": {},
                "scheduled_maintenances": 1,
            }
        ).encode(),
        json.dumps({"status": {"indicator": "none"}}).encode(),
        json.dumps(dict(REAL_SHAPE, components=[{"status": "operational"}])).encode(),
    ],
)
def test_garbage_is_bad_response(body):
    with pytest.raises(BadResponse):
        parse_summary(body)


def _client(response: httpx.Response | Exception) -> StatusPageClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1"
        if isinstance(response, Exception):
            raise response
        return response

    return StatusPageClient("http://127.0.0.1:9/api/v2/summary.json", httpx.MockTransport(handler))


def test_client_fetches_and_maps_errors():
    assert _client(httpx.Response(200, json=REAL_SHAPE)).summary().page_name == "GitHub"
    with pytest.raises(ServerTrouble):
        _client(httpx.Response(503)).summary()
    with pytest.raises(BadResponse):
        _client(httpx.Response(404)).summary()
    with pytest.raises(Unreachable):
        _client(httpx.ConnectError("refused")).summary()
    with pytest.raises(BadResponse):
        _client(httpx.Response(200, content=b"x" * (2 * 1024 * 1024))).summary()
