"""What is wrong with a form's values, in plain words, keyed by field.

`problems_by_field` turns a `RiderSettings` validation error into one message per field
("ftp_w", "erg.lead_s", …) for the settings and welcome screens to show under the
fields: the words of `app.core.settings.explain`, with a clearer message for an empty or
unreadable number, and the weight's bounds in pounds for a rider on imperial units.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from app.core.settings import ErgPreferences, RiderSettings, explain
from app.core.units import lb_range
from app.ui.widgets.form_fields import format_number

_PARSE_ERRORS = {
    "missing",
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "literal_error",
}

_FIELD_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "ftp_w": (RiderSettings, "ftp_w"),
    "weight_kg": (RiderSettings, "weight_kg"),
    "erg.ramp_in_s": (ErgPreferences, "ramp_in_s"),
    "erg.lead_s": (ErgPreferences, "lead_s"),
    "erg.cadence_guard_rpm": (ErgPreferences, "cadence_guard_rpm"),
    "erg.min_target_w": (ErgPreferences, "min_target_w"),
    "erg.max_target_w": (ErgPreferences, "max_target_w"),
}


def field_bounds(model: type[BaseModel], name: str) -> tuple[Any, Any]:
    """The (ge, le) bounds of a field from its pydantic metadata."""
    info = model.model_fields[name]
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return low, high


def weight_bounds_lb() -> tuple[int, int]:
    """The rider's weight bounds in whole pounds."""
    return lb_range(*field_bounds(RiderSettings, "weight_kg"))


def problems_by_field(exc: ValidationError, *, imperial: bool = False) -> dict[str, str]:
    """`explain(exc)`'s messages keyed by field ("ftp_w", "erg.lead_s", …), with a clearer
    message for an empty or unreadable number, and weight bounds in lb when imperial."""
    found: dict[str, str] = {}
    for problem, message in zip(exc.errors(), explain(exc), strict=True):
        key = ".".join(str(p) for p in problem["loc"])
        label = message.split(":", 1)[0]
        bounds = _FIELD_MODELS.get(key)
        if key == "weight_kg" and imperial and problem["type"] not in _PARSE_ERRORS:
            low, high = weight_bounds_lb()
            message = f"{label}: must be between {low} and {high} lb"
        elif problem["type"] in _PARSE_ERRORS and bounds is not None:
            low, high = field_bounds(*bounds)
            if key == "weight_kg" and imperial:
                low, high = weight_bounds_lb()
            message = f"{label}: enter a number between {_plain(low)} and {_plain(high)}"
        found.setdefault(key, message)
    return found


def _plain(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) else str(value)
