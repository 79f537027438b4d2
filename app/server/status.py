"""The Statuspage v2 `summary.json` of the reference server.

Component statuses are derived, not stored: a component is `under_maintenance` while a
maintenance that names it is in progress, and otherwise takes the worst impact of the
unresolved incidents that name it (minor -> degraded_performance, major -> partial_outage,
critical -> major_outage). The page indicator is the worst of the components and the
unresolved incidents' impacts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.server.store import ServerStore, iso, parse_time

PAGE_NAME = "Freewheel"

_COMPONENT_STATUS_BY_IMPACT = {
    "none": "operational",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}
_COMPONENT_RANK = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
_INDICATOR_BY_COMPONENT = {
    "operational": "none",
    "under_maintenance": "maintenance",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
_INDICATOR_RANK = {"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}
INDICATOR_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
}


def maintenance_status(item: dict[str, Any], now: datetime) -> str:
    if item["status"] in ("verifying", "completed"):
        return str(item["status"])
    return "in_progress" if parse_time(item["scheduled_for"]) <= now else "scheduled"


def summary(store: ServerStore, now: datetime, base_url: str) -> dict[str, Any]:
    page_id = store.meta("page_id") or "freewheel"
    components = store.components()
    open_items = store.open_incidents(now)
    incidents = [i for i in open_items if i["kind"] == "incident"]
    maintenances = [i for i in open_items if i["kind"] == "maintenance"]

    status_of = {c["id"]: "operational" for c in components}
    updated_of = {c["id"]: c["created_at"] for c in components}
    indicator = "none"
    for incident in incidents:
        effect = _COMPONENT_STATUS_BY_IMPACT.get(incident["impact"], "operational")
        if _INDICATOR_RANK.get(incident["impact"], 0) > _INDICATOR_RANK[indicator]:
            indicator = incident["impact"]
        for cid in incident["component_ids"]:
            if _COMPONENT_RANK[effect] > _COMPONENT_RANK[status_of.get(cid, "operational")]:
                status_of[cid] = effect
            updated_of[cid] = max(updated_of.get(cid, ""), incident["updated_at"])
    for item in maintenances:
        item["status"] = maintenance_status(item, now)
        if item["status"] != "in_progress":
            continue
        for cid in item["component_ids"]:
            if status_of.get(cid) == "operational":
                status_of[cid] = "under_maintenance"
            updated_of[cid] = max(updated_of.get(cid, ""), item["scheduled_for"])
    for status in status_of.values():
        candidate = _INDICATOR_BY_COMPONENT[status]
        if _INDICATOR_RANK[candidate] > _INDICATOR_RANK[indicator]:
            indicator = candidate

    url = base_url.rstrip("/")
    times = [*updated_of.values(), *(i["updated_at"] for i in open_items)]
    names = {c["id"]: c["name"] for c in components}

    def component_json(c: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": c["id"], "name": c["name"], "status": status_of[c["id"]],
            "created_at": c["created_at"], "updated_at": updated_of[c["id"]],
            "position": c["position"], "description": c["description"], "showcase": True,
            "start_date": None, "group_id": None, "page_id": page_id, "group": False,
            "only_show_if_degraded": False,
        }  # fmt: skip

    def incident_json(i: dict[str, Any]) -> dict[str, Any]:
        affected = [
            {"code": cid, "name": names.get(cid, cid), "new_status": status_of.get(cid)}
            for cid in i["component_ids"]
        ]
        body: dict[str, Any] = {
            "id": i["id"], "name": i["name"], "status": i["status"], "impact": i["impact"],
            "created_at": i["created_at"], "updated_at": i["updated_at"],
            "monitoring_at": None, "resolved_at": i["resolved_at"],
            "started_at": i["created_at"], "page_id": page_id,
            "shortlink": f"{url}/incidents/{i['id']}",
            "incident_updates": [
                {"id": u["id"], "status": u["status"], "body": u["body"],
                 "incident_id": i["id"], "created_at": u["created_at"],
                 "updated_at": u["created_at"], "display_at": u["created_at"],
                 "affected_components": affected}
                for u in i["updates"]
            ],
            "components": [component_json(c) for c in components if c["id"] in i["component_ids"]],
        }  # fmt: skip
        if i["kind"] == "maintenance":
            body["scheduled_for"] = i["scheduled_for"]
            body["scheduled_until"] = i["scheduled_until"]
        return body

    return {
        "page": {
            "id": page_id,
            "name": PAGE_NAME,
            "url": url,
            "time_zone": "Etc/UTC",
            "updated_at": max(times) if times else iso(now),
        },
        "status": {"indicator": indicator, "description": INDICATOR_DESCRIPTIONS[indicator]},
        "components": [component_json(c) for c in components],
        "incidents": [incident_json(i) for i in incidents],
        "scheduled_maintenances": [incident_json(i) for i in maintenances],
    }
