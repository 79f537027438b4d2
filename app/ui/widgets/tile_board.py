"""The ride screen's tiles, as the rider chose them.

`TILE_METRICS` says how each figure of `app.core.ride.tiles.TILE_KEYS` looks on a tile
(title, unit, accent colour, how its number is written). `TileBoard` lays out 3 to 8 of
them: the first three large on top, the rest (up to five) smaller below, and shows the
numbers it is given with `update_figures` (a `LiveFigures.values()` mapping).

The rider changes a tile from its context menu: right-click, or focus the tile (Tab) and
press the Menu key or Shift+F10. "Show on this tile" lists every figure; one already on
another tile ("swap with tile 4") swaps places with this one, so no figure is ever shown
twice. "Reset tiles to default" brings back the usual seven. Either emits
`keys_changed(tuple_of_keys)` for the caller to save; `set_keys` (the program's own
change) does not. The menu pops up without blocking (`open_menu` returns it), so the ride
screen keeps updating while it is open.

The "power" tile follows the rider's smoothing (`set_smoothing`): its title reads
"Power · 3 s" and it shows the 3 s average (`power_now`, `power_3s` or `power_10s` of the
figures). Speed and distance follow the units (`set_units`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QContextMenuEvent, QFont, QFontMetricsF, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QMenu, QVBoxLayout, QWidget

from app.core.ride.tiles import (
    DEFAULT_TILES,
    LARGE_TILES,
    SMOOTHING_CHOICES_S,
    TILE_KEYS,
    usable_tiles,
)
from app.ui import display
from app.ui.theme import palette as c
from app.ui.widgets.tile import Tile

Value = float | int | None
Formatter = Callable[[Value, str], str]

TILE_SPACING_PX = 12
LARGE_ROW_STRETCH, SMALL_ROW_STRETCH = 5, 3  # as the ride screen has always had them

_TILE_STYLE = f"""
QFrame#Tile:focus {{
    border: 2px solid {c.TARGET};
}}
"""


# --- how figures are written ------------------------------------------------------------------


def speed_text(speed_mps: Value, units: str) -> str:
    return display.speed_text(speed_mps, units)


def distance_text(distance_m: Value, units: str) -> str:
    return display.distance_text(distance_m, units)


def _whole(value: Value, _units: str) -> str:
    return display.whole(value)


def _m_ss(value: Value, _units: str) -> str:
    return display.m_ss(value)


def _h_mm_ss(value: Value, _units: str) -> str:
    return display.h_mm_ss(value)


@dataclass(frozen=True, slots=True)
class TileMetric:
    """How one figure looks on a tile. `name` is the plain name (menus, settings, screen
    readers); `title` the tile's heading; `reference` the widest text expected, which
    sizes the digits; `imperial_unit` replaces `unit` in imperial units."""

    key: str
    name: str
    title: str
    unit: str
    accent: str
    format: Formatter
    reference: str = "0000"
    imperial_unit: str | None = None
    group: str = ""


def _metric(
    key: str,
    name: str,
    unit: str = "",
    accent: str = "",
    fmt: Formatter = _whole,
    reference: str = "0000",
    *,
    title: str = "",
    imperial_unit: str | None = None,
    group: str,
) -> TileMetric:
    return TileMetric(key, name, title or name, unit, accent, fmt, reference, imperial_unit, group)


_CATALOGUE = (
    _metric("power", "Power", "W", "actual", title="Power", group="power"),
    _metric("power_now", "Power now", "W", "actual", title="Power · now", group="power"),
    _metric("power_3s", "Power 3 s average", "W", "actual", title="Power · 3 s avg", group="power"),
    _metric(
        "power_10s", "Power 10 s average", "W", "actual", title="Power · 10 s avg", group="power"
    ),
    _metric("avg_power", "Average power", "W", "actual", title="Avg power", group="power"),
    _metric("np", "Normalized power", "W", "actual", title="NP", group="power"),
    _metric("max_power", "Max power", "W", "actual", group="power"),
    _metric("work_kj", "Work", "kJ", group="power"),
    _metric("target", "Target", "W", "target", group="workout"),
    _metric("interval_left", "Interval left", "", "", _m_ss, "00:00", group="workout"),
    _metric("intensity", "Intensity", "%", "", _whole, "000", group="workout"),
    _metric("elapsed", "Elapsed", "", "", _h_mm_ss, "0:00:00", group="workout"),
    _metric("remaining", "Remaining", "", "", _h_mm_ss, "0:00:00", group="workout"),
    _metric("lap_time", "Lap time", "", "", _m_ss, "00:00", group="lap"),
    _metric("lap_power", "Lap power", "W", "actual", title="Lap avg power", group="lap"),
    _metric("hr", "Heart rate", "bpm", "heart", _whole, "000", group="body"),
    _metric("cadence", "Cadence", "rpm", "cadence", _whole, "000", group="body"),
    _metric("speed", "Speed", "km/h", "", speed_text, "00.0", imperial_unit="mph", group="body"),
    _metric(
        "distance", "Distance", "km", "", distance_text, "00.00", imperial_unit="mi", group="body"
    ),
)

TILE_METRICS: Mapping[str, TileMetric] = MappingProxyType({m.key: m for m in _CATALOGUE})
"""Every tile figure by key, in menu order (the keys are exactly `TILE_KEYS`)."""

if set(TILE_METRICS) != set(TILE_KEYS):  # a key added in core needs its look here
    raise RuntimeError(f"tile catalogue and TILE_KEYS differ: {set(TILE_METRICS) ^ set(TILE_KEYS)}")

_SMOOTHED_SOURCE = {1: "power_now", 3: "power_3s", 10: "power_10s"}


def tile_title(key: str, smoothing_s: int = 3) -> str:
    """The tile's heading: "Power · 3 s" for the smoothed power, else the metric's title."""
    if key == "power":
        return f"Power · {smoothing_s} s"
    return TILE_METRICS[key].title


def tile_name(key: str, smoothing_s: int = 3) -> str:
    """The figure's name in menus and settings: "Heart rate", "Power (smoothed, 3 s)"."""
    if key == "power":
        return f"Power (smoothed, {smoothing_s} s)"
    return TILE_METRICS[key].name


def tile_unit(key: str, units: str = "metric") -> str:
    metric = TILE_METRICS[key]
    if units == "imperial" and metric.imperial_unit is not None:
        return metric.imperial_unit
    return metric.unit


def tile_text(
    key: str, values: Mapping[str, Value], smoothing_s: int = 3, units: str = "metric"
) -> str:
    """What the tile for `key` shows for these figures (the missing-value dash when none)."""
    source = _SMOOTHED_SOURCE[smoothing_s] if key == "power" else key
    value = values.get(source, values.get(key)) if key == "power" else values.get(key)
    return TILE_METRICS[key].format(value, units)


def tile_caption(key: str, values: Mapping[str, Value], smoothing_s: int = 3) -> str:
    """The small line under a large tile: the other power, the next target, the interval
    or lap number."""
    if key == "power":
        other = values.get("power_3s") if smoothing_s == 1 else values.get("power_now")
        if other is None:
            return ""
        return (
            f"3 s avg {display.whole(other)}" if smoothing_s == 1 else f"now {display.whole(other)}"
        )
    if key == "target":
        upcoming = values.get("next_target")
        return "" if upcoming is None else f"next {display.whole(upcoming)} W"
    if key == "interval_left":
        number, count = values.get("interval_number"), values.get("interval_count")
        if number is None:
            return ""
        return f"interval {number} of {count}" if count else f"interval {number}"
    if key in ("lap_time", "lap_power"):
        lap = values.get("lap_number")
        return "" if lap is None else f"lap {lap}"
    return ""


# --- the board --------------------------------------------------------------------------------


class _BoardTile(Tile):
    """A tile the rider can focus and open the menu on (right-click, Menu, Shift+F10)."""

    def __init__(
        self,
        board: TileBoard,
        index: int,
        key: str,
        *,
        title: str,
        unit: str,
        reference_text: str,
        large: bool,
    ) -> None:
        super().__init__(
            title,
            unit,
            accent=TILE_METRICS[key].accent,
            reference_text=reference_text,
            with_caption=large,
            parent=board,
        )
        self.board = board
        self.index = index
        self.key = key
        self.unit_text = unit
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setAccessibleDescription(
            "Right-click, or press the Menu key or Shift+F10, to choose what this tile shows"
        )

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        where = self.rect().center() if keyboard else event.pos()
        self.board.open_menu(self.index, self.mapToGlobal(where))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        shift_f10 = key == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        if key == Qt.Key.Key_Menu or shift_f10:
            self.board.open_menu(self.index, self.mapToGlobal(self.rect().center()))
            event.accept()
            return
        super().keyPressEvent(event)


class TileBoard(QWidget):
    """3 to 8 tiles: the first three large on top, the rest below. Signal:
    `keys_changed(tuple[str, ...])` when the rider changed a tile from its menu."""

    keys_changed = Signal(tuple)

    def __init__(
        self,
        keys: Sequence[str] | None = None,
        parent: QWidget | None = None,
        *,
        smoothing_s: int = 3,
        units: str = "metric",
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ride tiles")
        self.setStyleSheet(_TILE_STYLE)
        self._check_smoothing(smoothing_s)
        self._keys: tuple[str, ...] = ()
        self._smoothing_s = smoothing_s
        self._units = units
        self._values: dict[str, Value] = {}
        self._tiles: list[_BoardTile] = []
        self.menu: QMenu | None = None  # the menu open now (or last), for tests and tools
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(TILE_SPACING_PX)
        self._build(usable_tiles(DEFAULT_TILES if keys is None else keys))

    # -- API -----------------------------------------------------------------------------------
    def keys(self) -> tuple[str, ...]:
        return self._keys

    def set_keys(self, keys: Sequence[str]) -> None:
        """Show these figures (unknown keys and repeats are dropped; too few are topped up
        from the defaults). Does not emit `keys_changed`."""
        wanted = usable_tiles(keys)
        if wanted != self._keys:
            self._build(wanted)

    def smoothing(self) -> int:
        return self._smoothing_s

    def set_smoothing(self, seconds: int) -> None:
        """1, 3 or 10 s: what the "power" tile averages, and its title."""
        self._check_smoothing(seconds)
        if seconds != self._smoothing_s:
            self._smoothing_s = seconds
            if "power" in self._keys:
                self._build(self._keys)

    def units(self) -> str:
        return self._units

    def set_units(self, units: str) -> None:
        """ "metric" (km/h, km) or "imperial" (mph, mi)."""
        if units != self._units:
            self._units = units
            if "speed" in self._keys or "distance" in self._keys:
                self._build(self._keys)

    def update_figures(self, values: Mapping[str, Value]) -> None:
        """Show these figures (e.g. `LiveFigures.values()`); a key left out or None shows
        the missing-value dash."""
        self._values = dict(values)
        for tile in self._tiles:
            self._show(tile)

    def clear_figures(self) -> None:
        """Every tile back to the dash (a new ride)."""
        self.update_figures({})

    def value_of(self, key: str) -> str:
        """The text the tile showing `key` shows; KeyError when no tile shows it."""
        return self.tile_for(key).value()

    def tile_for(self, key: str) -> Tile:
        for tile in self._tiles:
            if tile.key == key:
                return tile
        raise KeyError(key)

    def tiles(self) -> tuple[Tile, ...]:
        return tuple(self._tiles)

    def large_tiles(self) -> tuple[Tile, ...]:
        return tuple(self._tiles[:LARGE_TILES])

    # -- the rider's changes -------------------------------------------------------------------
    def choose(self, index: int, key: str) -> None:
        """Show `key` on tile `index`; if another tile shows it, the two swap. Emits
        `keys_changed` when that changed anything."""
        self._choose(index, key, focus=False)

    def reset_keys(self) -> None:
        """The default tiles again; emits `keys_changed` when that changed anything."""
        self._change(DEFAULT_TILES, focus_index=0, focus=False)

    def _choose_from_menu(self, index: int, key: str) -> None:
        self._choose(index, key, focus=True)  # the keyboard stays on the tile it was on

    def _reset_from_menu(self, index: int) -> None:
        self._change(DEFAULT_TILES, focus_index=index, focus=True)

    def _choose(self, index: int, key: str, *, focus: bool) -> None:
        if key not in TILE_METRICS or not 0 <= index < len(self._keys):
            raise ValueError(f"no tile {index} or no figure {key!r}")
        keys = list(self._keys)
        if keys[index] == key:
            return
        if key in keys:
            other = keys.index(key)
            keys[other] = keys[index]
        keys[index] = key
        self._change(tuple(keys), focus_index=index, focus=focus)

    def build_menu(self, index: int) -> QMenu:
        """The menu of tile `index`: "Show on this tile" ▸ every figure (this tile's
        ticked; one on another tile says it swaps), then "Reset tiles to default"."""
        menu = QMenu(self)
        menu.setAccessibleName(f"{tile_name(self._keys[index], self._smoothing_s)} tile menu")
        show = menu.addMenu("Show on this tile")
        show.setAccessibleName("Show on this tile")
        group = QActionGroup(show)
        group.setExclusive(True)
        last_group = None
        for metric in TILE_METRICS.values():
            if last_group is not None and metric.group != last_group:
                show.addSeparator()
            last_group = metric.group
            text = tile_name(metric.key, self._smoothing_s)
            where = self._keys.index(metric.key) if metric.key in self._keys else None
            if where is not None and where != index:
                text += f"  (swap with tile {where + 1})"
            action = QAction(text, show)
            action.setData(metric.key)
            action.setCheckable(True)
            action.setChecked(where == index)
            action.triggered.connect(
                lambda _checked=False, k=metric.key, i=index: self._choose_from_menu(i, k)
            )
            group.addAction(action)
            show.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset tiles to default")
        reset.setData("reset")
        reset.setEnabled(self._keys != DEFAULT_TILES)
        reset.triggered.connect(lambda _checked=False, i=index: self._reset_from_menu(i))
        return menu

    def open_menu(self, index: int, global_pos: QPoint | None = None) -> QMenu:
        """Pop up tile `index`'s menu (without waiting for it) and return it."""
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        self.menu = self.build_menu(index)
        tile = self._tiles[index]
        if global_pos is None:
            global_pos = tile.mapToGlobal(tile.rect().center())
        self.menu.popup(global_pos)
        return self.menu

    # -- inside --------------------------------------------------------------------------------
    def _change(self, keys: tuple[str, ...], *, focus_index: int, focus: bool) -> None:
        if keys == self._keys:
            return
        if focus and self.menu is not None:
            self.menu.close()  # first, so the focus it gives back lands on the new tile
        self._build(keys)
        if focus:
            self._focus_tile(focus_index)
        self.keys_changed.emit(keys)

    def _focus_tile(self, index: int) -> None:
        if self._tiles:
            self._tiles[min(index, len(self._tiles) - 1)].setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self, keys: tuple[str, ...]) -> None:
        focused = next((t.index for t in self._tiles if t.hasFocus()), None)
        for tile in self._tiles:
            tile.hide()
            tile.deleteLater()
        self._tiles = []
        while self._layout.count():
            item = self._layout.takeAt(0)
            row = item.layout() if item is not None else None
            if row is not None:
                row.deleteLater()
        self._keys = keys
        rows = (keys[:LARGE_TILES], keys[LARGE_TILES:])
        for row_index, row_keys in enumerate(rows):
            if not row_keys:
                continue
            large = row_index == 0
            reference = self._widest(TILE_METRICS[k].reference for k in row_keys)
            row = QHBoxLayout()
            row.setSpacing(TILE_SPACING_PX)
            for key in row_keys:
                tile = _BoardTile(
                    self,
                    len(self._tiles),
                    key,
                    title=tile_title(key, self._smoothing_s),
                    unit=tile_unit(key, self._units),
                    reference_text=reference,
                    large=large,
                )
                row.addWidget(tile, 1)
                tile.setVisible(True)  # now, not on the layout's next pass: it may get the focus
                self._tiles.append(tile)
            self._layout.addLayout(row, LARGE_ROW_STRETCH if large else SMALL_ROW_STRETCH)
        for tile in self._tiles:
            self._show(tile)
        if focused is not None:
            self._focus_tile(focused)

    def _widest(self, texts: Iterable[str]) -> str:
        """The reference text of a row: its widest, so every number in the row has the
        same size and none is cut off."""
        font = QFont(self.font())
        font.setWeight(QFont.Weight.Bold)
        metrics = QFontMetricsF(font)
        return max(texts, key=metrics.horizontalAdvance)

    def _show(self, tile: _BoardTile) -> None:
        text = tile_text(tile.key, self._values, self._smoothing_s, self._units)
        tile.set_value(text)
        if tile.index < LARGE_TILES:
            tile.set_caption(tile_caption(tile.key, self._values, self._smoothing_s))
        spoken = "no reading" if text == display.MISSING else f"{text} {tile.unit_text}".strip()
        name = f"{TILE_METRICS[tile.key].name} tile: {spoken}"
        if tile.accessibleName() != name:
            tile.setAccessibleName(name)

    @staticmethod
    def _check_smoothing(seconds: int) -> None:
        if seconds not in SMOOTHING_CHOICES_S:
            raise ValueError(f"power smoothing is one of {SMOOTHING_CHOICES_S} seconds")
