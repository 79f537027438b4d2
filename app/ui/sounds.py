"""Sound cues for the ride screen: a tick for 3-2-1, a rising "go", a chord when done.

The tones are synthesized here (44.1 kHz, 16-bit mono WAV, every note faded in and out over
5 ms so nothing clicks), written once into a cache folder and played with Qt Multimedia's
`QSoundEffect`, which is made for short, low-latency sounds.

Qt Multimedia is imported at the first `play()` or `preload()`, never at module import: it
loads an audio stack (PulseAudio/PipeWire, FFmpeg) that start-up must not pay for.

Sound is a nicety, never a failure: with no audio output (a headless machine, CI, a missing
`libpulse.so.0`, which makes the Qt Multimedia import itself fail) `play()` does not raise
and does not block; the reason is logged once and kept in `unavailable_reason`. Measured on
Linux with libpulse but no sound server: `QMediaDevices` lists no outputs, and a
`QSoundEffect` goes from Loading to Error ("playback of this format is not supported on the
selected audio device") while `play()` returns at once. So no effect is made without an
output device; when the outputs change (headphones plugged in), the next play looks again.

`played(name)` is emitted, and `history` appended, for every sound requested while enabled,
whether or not a device could play it: what tests and the screen can rely on.
"""

from __future__ import annotations

import logging
import math
import os
import struct
import tempfile
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal, Slot

if TYPE_CHECKING:  # types only: the module itself is imported at the first play
    from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 44_100
SAMPLE_WIDTH_BYTES = 2
FADE_S = 0.005  # fade in and out of every note
FULL_SCALE = 32_767
SYNTH_VERSION = 1  # part of the file names: bump it when a tone changes
SOUND_NAMES = ("tick", "go", "done")
DEFAULT_VOLUME = 0.8

Envelope = Callable[[float], float]  # seconds into the note -> gain 0..1


def _steady(_t: float) -> float:
    return 1.0


def _decay(rate_per_s: float) -> Envelope:
    return lambda t: math.exp(-rate_per_s * t)


# name -> notes (start_s, duration_s, frequency_hz, amplitude, envelope); amplitudes of
# notes that overlap add up to at most 0.8 of full scale, so nothing clips.
_NOTES: dict[str, tuple[tuple[float, float, float, float, Envelope], ...]] = {
    # a short, bright 880 Hz (A5) beep for 3, 2, 1
    "tick": ((0.0, 0.09, 880.0, 0.6, _steady),),
    # rising two-tone: A5, then E6 a fifth above, longer
    "go": ((0.0, 0.12, 880.0, 0.6, _steady), (0.13, 0.26, 1318.51, 0.65, _decay(2.0))),
    # C major chord, the notes entering one after another and ringing out together
    "done": (
        (0.0, 0.75, 523.25, 0.26, _decay(2.5)),
        (0.08, 0.67, 659.26, 0.26, _decay(2.5)),
        (0.16, 0.59, 783.99, 0.26, _decay(2.5)),
    ),
}


def duration_s(name: str) -> float:
    """How long the sound `name` lasts."""
    return max(start + length for start, length, *_ in _notes(name))


def synthesize(name: str) -> list[int]:
    """The 16-bit samples of the sound `name`."""
    total = round(duration_s(name) * SAMPLE_RATE_HZ)
    mix = [0.0] * total
    fade_n = round(FADE_S * SAMPLE_RATE_HZ)
    for start_s, length_s, freq_hz, amplitude, envelope in _notes(name):
        first = round(start_s * SAMPLE_RATE_HZ)
        count = min(round(length_s * SAMPLE_RATE_HZ), total - first)
        step = 2 * math.pi * freq_hz / SAMPLE_RATE_HZ
        for i in range(count):
            fade = min(1.0, i / fade_n, (count - 1 - i) / fade_n)
            t = i / SAMPLE_RATE_HZ
            mix[first + i] += amplitude * envelope(t) * fade * math.sin(step * i)
    return [max(-FULL_SCALE, min(FULL_SCALE, round(v * FULL_SCALE))) for v in mix]


def write_wav(path: Path, samples: Sequence[int]) -> None:
    """Write mono 16-bit samples atomically: a temp file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".wav", dir=path.parent)
    os.close(handle)
    try:
        with wave.open(temp_name, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(SAMPLE_WIDTH_BYTES)
            out.setframerate(SAMPLE_RATE_HZ)
            out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _notes(name: str) -> tuple[tuple[float, float, float, float, Envelope], ...]:
    try:
        return _NOTES[name]
    except KeyError:
        raise ValueError(f"unknown sound {name!r}; known: {', '.join(SOUND_NAMES)}") from None


def fallback_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "freewheel-sounds"


class SoundCues(QObject):
    """The ride's sounds. `cache_dir` holds the WAV files (a temp folder if it is None or
    cannot be written). Use from the UI thread."""

    played = Signal(str)  # a sound was requested while enabled (played if a device exists)

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        enabled: bool = True,
        volume: float = DEFAULT_VOLUME,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._enabled = enabled
        self._volume = min(max(volume, 0.0), 1.0)
        self.history: list[str] = []
        self._paths: dict[str, Path] = {}
        self._effects: dict[str, QSoundEffect] = {}
        self._devices: QMediaDevices | None = None
        self._loaded = False  # tried to set up playback; effects exist if it worked
        self._reason: str | None = None
        self._logged: set[str] = set()

    # -- settings ----------------------------------------------------------------------------
    def set_enabled(self, enabled: bool) -> None:
        """The rider's "sounds" switch. Off stops a sound that is playing."""
        self._enabled = bool(enabled)
        if not self._enabled:
            for effect in self._effects.values():
                effect.stop()

    def is_enabled(self) -> bool:
        return self._enabled

    @property
    def unavailable_reason(self) -> str | None:
        """Why sounds cannot be heard on this machine, once a play has found out; else None."""
        return self._reason

    # -- playing -----------------------------------------------------------------------------
    def play(self, name: str) -> bool:
        """Play `name` ("tick", "go", "done") if enabled; True if it was requested."""
        _notes(name)  # unknown names are a programming error, enabled or not
        if not self._enabled:
            return False
        self.history.append(name)
        self.played.emit(name)
        self._load()
        effect = self._effects.get(name)
        if effect is not None:
            effect.play()
        return True

    def preload(self) -> bool:
        """Write the files and set up playback now (e.g. when a ride starts), so the first
        tick is on time. True if sounds can be heard."""
        self._load()
        return bool(self._effects)

    def wav_path(self, name: str) -> Path:
        """The WAV file of `name`, synthesized into the cache folder on first use (into a
        temp folder if the cache folder cannot be written)."""
        path = self._paths.get(name)
        if path is not None and path.is_file():
            return path
        samples: list[int] | None = None
        errors: list[OSError] = []
        for folder in self._folders():
            path = folder / f"freewheel-{name}-v{SYNTH_VERSION}.wav"
            try:
                if not path.is_file():
                    samples = samples if samples is not None else synthesize(name)
                    write_wav(path, samples)
            except OSError as error:
                errors.append(error)
                continue
            self._paths[name] = path
            return path
        raise errors[-1]

    def _folders(self) -> list[Path]:
        fallback = fallback_cache_dir()
        if self._cache_dir is None or self._cache_dir == fallback:
            return [fallback]
        return [self._cache_dir, fallback]

    # -- the audio back end ---------------------------------------------------------------------
    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            paths = {name: self.wav_path(name) for name in SOUND_NAMES}
        except OSError as error:
            self._unavailable(f"the sound files could not be written ({error})")
            return
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as error:  # e.g. libpulse.so.0 missing on a server
            self._unavailable(f"Qt Multimedia could not be loaded ({error})")
            return
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        if QMediaDevices.defaultAudioOutput().isNull():
            self._unavailable("no audio output device")
            return
        self._reason = None
        for name, path in paths.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self._volume)
            effect.statusChanged.connect(self._on_effect_status)
            self._effects[name] = effect

    def _unavailable(self, reason: str) -> None:
        self._reason = reason
        if reason not in self._logged:
            self._logged.add(reason)
            log.warning("Sound cues are silent: %s", reason)

    @Slot()
    def _on_outputs_changed(self) -> None:
        """Outputs came or went: set up again at the next play, on the new default."""
        for effect in self._effects.values():
            effect.stop()
            effect.deleteLater()
        self._effects.clear()
        self._loaded = False

    @Slot()
    def _on_effect_status(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect  # loaded: an effect exists

        failed = [n for n, e in self._effects.items() if e.status() == QSoundEffect.Status.Error]
        if failed:
            self._unavailable("the audio output device cannot play the cues")
