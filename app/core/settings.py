"""The rider's settings, validated. Stored in settings.json (never the token)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from app.core.ride.erg import ErgSettings
from app.core.ride.tiles import DEFAULT_TILES, MAX_TILES, MIN_TILES, known_tiles, usable_tiles

FTP_MIN_W, FTP_MAX_W = 50, 700


class ErgPreferences(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    ramp_in_s: int = Field(3, ge=0, le=30, description="ramp-in after start, resume and big steps")
    lead_s: int = Field(0, ge=0, le=5, description="send each target this much early")
    cadence_guard_rpm: float | None = Field(50.0, ge=20, le=100)
    min_target_w: int = Field(0, ge=0, le=500)
    max_target_w: int = Field(1500, ge=100, le=3000)
    power_match: bool = Field(True, description="steer ERG so the power meter reads the target")

    def to_erg_settings(self) -> ErgSettings:
        return ErgSettings(
            ramp_in_s=self.ramp_in_s,
            lead_s=self.lead_s,
            cadence_guard_rpm=self.cadence_guard_rpm,
            min_target_w=self.min_target_w,
            max_target_w=self.max_target_w,
        )


class FtpChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    on: date
    ftp_w: int = Field(ge=FTP_MIN_W, le=FTP_MAX_W)


class RiderSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    ftp_w: int = Field(200, ge=FTP_MIN_W, le=FTP_MAX_W)
    ftp_history: tuple[FtpChange, ...] = ()
    weight_kg: float | None = Field(None, ge=25, le=250)
    units: Literal["metric", "imperial"] = "metric"
    erg: ErgPreferences = ErgPreferences()
    auto_pause: bool = True
    sounds: bool = True
    power_smoothing_s: Literal[1, 3, 10] = 3
    ride_tiles: tuple[str, ...] = Field(
        DEFAULT_TILES, description="the ride screen's tiles, in order: three large, then small"
    )
    first_run_done: bool = False

    @field_validator("ride_tiles", mode="before")
    @classmethod
    def _drop_unknown_tiles(cls, value: object) -> object:
        """A tile this version does not know (from a newer one, or a typo) is dropped, not
        an error; if that leaves too few, the default tiles fill the places."""
        if not isinstance(value, list | tuple):
            return value  # pydantic explains it
        known = known_tiles(value)
        if len(known) == len(value):
            return known
        return known if len(known) >= MIN_TILES else usable_tiles(known)

    @field_validator("ride_tiles")
    @classmethod
    def _check_tiles(cls, tiles: tuple[str, ...]) -> tuple[str, ...]:
        if not MIN_TILES <= len(tiles) <= MAX_TILES:
            raise PydanticCustomError(
                "tile_count",
                "choose between {low} and {high} tiles",
                {"low": MIN_TILES, "high": MAX_TILES},
            )
        repeated = next((key for i, key in enumerate(tiles) if key in tiles[:i]), None)
        if repeated is not None:
            raise PydanticCustomError(
                "tile_repeated", "{key} is on more than one tile", {"key": repeated}
            )
        return tiles

    def with_ftp(self, ftp_w: int, on: date) -> RiderSettings:
        """A new FTP, remembered in the history (one entry per day)."""
        history = [c for c in self.ftp_history if c.on != on]
        history.append(FtpChange(on=on, ftp_w=ftp_w))
        return self.model_copy(update={"ftp_w": ftp_w, "ftp_history": tuple(history)})


_FIELD_NAMES = {
    "ftp_w": "FTP",
    "weight_kg": "Weight",
    "units": "Units",
    "power_smoothing_s": "Power smoothing",
    "ride_tiles": "Ride screen tiles",
    "ramp_in_s": "ERG ramp-in",
    "lead_s": "ERG lead",
    "cadence_guard_rpm": "Cadence guard",
    "min_target_w": "Lowest ERG target",
    "max_target_w": "Highest ERG target",
}


def explain(error: ValidationError) -> list[str]:
    """Plain-words messages, one per problem, e.g. 'FTP: must be between 50 and 700'."""
    messages = []
    for problem in error.errors():
        field = next((str(p) for p in reversed(problem["loc"]) if isinstance(p, str)), "")
        label = _FIELD_NAMES.get(field, field.replace("_", " ").capitalize() or "Settings")
        if problem["type"] in ("greater_than_equal", "less_than_equal"):
            low, high = _bounds(field)
            messages.append(f"{label}: must be between {low} and {high}")
        else:
            messages.append(f"{label}: {problem['msg'].lower()}")
    return messages


def _bounds(field: str) -> tuple[object, object]:
    for model in (RiderSettings, ErgPreferences):
        info = model.model_fields.get(field)
        if info is not None:
            low = next((m.ge for m in info.metadata if hasattr(m, "ge")), "?")
            high = next((m.le for m in info.metadata if hasattr(m, "le")), "?")
            return low, high
    return "?", "?"
