"""Sound cues: the synthesized WAVs, the rider's switch, and playing without an audio device."""

from __future__ import annotations

import itertools
import logging
import math
import os
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from app.ui import sounds
from app.ui.sounds import FADE_S, SAMPLE_RATE_HZ, SOUND_NAMES, SoundCues, duration_s

ROOT = Path(__file__).resolve().parents[2]
FADE_N = round(FADE_S * SAMPLE_RATE_HZ)


def read_wav(path: Path) -> tuple[wave._wave_params, list[int]]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        data = wav.readframes(params.nframes)
    return params, list(struct.unpack(f"<{params.nframes}h", data))


def pitch_hz(samples: list[int]) -> float:
    """Frequency from upward zero crossings."""
    ups = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return ups * SAMPLE_RATE_HZ / len(samples)


def warnings_from_sounds(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == sounds.__name__]


@pytest.fixture
def cues(tmp_path: Path, qtbot) -> SoundCues:  # type: ignore[no-untyped-def]
    return SoundCues(tmp_path / "sounds")


@pytest.mark.parametrize("name", SOUND_NAMES)
def test_each_sound_is_a_clean_short_wav(cues: SoundCues, name: str) -> None:
    params, samples = read_wav(cues.wav_path(name))
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 44_100)
    assert params.nframes == round(duration_s(name) * 44_100)
    assert 0.05 <= params.nframes / 44_100 <= 1.0  # short: a cue, not a tune
    peak = max(abs(s) for s in samples)
    assert 0.4 * 32_767 < peak <= 0.85 * 32_767  # loud enough, and never clipped
    # every note fades in and out over 5 ms: no step at either end
    assert abs(samples[0]) == 0 and abs(samples[-1]) <= 0.01 * 32_767
    for i in range(FADE_N):
        assert abs(samples[i]) <= peak * (i + 1) / FADE_N + 1
        assert abs(samples[-1 - i]) <= peak * (i + 1) / FADE_N + 1


def test_tick_is_880_hz_and_go_rises(cues: SoundCues) -> None:
    _, tick = read_wav(cues.wav_path("tick"))
    assert pitch_hz(tick) == pytest.approx(880, rel=0.03)
    _, go = read_wav(cues.wav_path("go"))
    half = len(go) // 3
    assert pitch_hz(go[-half:]) > 1.3 * pitch_hz(go[:half])


def test_done_is_a_chord_of_three_notes(cues: SoundCues) -> None:
    _, done = read_wav(cues.wav_path("done"))
    tail = done[len(done) // 2 :]
    strength = {}
    for freq in (523.25, 659.26, 783.99, 440.0):  # the three notes, and one not played
        step = 2 * math.pi * freq / SAMPLE_RATE_HZ
        re = sum(s * math.cos(step * i) for i, s in enumerate(tail))
        im = sum(s * math.sin(step * i) for i, s in enumerate(tail))
        strength[freq] = math.hypot(re, im)
    assert min(strength[f] for f in (523.25, 659.26, 783.99)) > 10 * strength[440.0]


def test_files_are_written_once_and_reused(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = SoundCues(tmp_path)
    path = first.wav_path("go")
    assert path.parent == tmp_path
    os.utime(path, (1, 1))  # a marker: rewriting the file would change it
    assert SoundCues(tmp_path).wav_path("go") == path
    assert path.stat().st_mtime == 1


def test_an_unwritable_cache_falls_back_to_a_temp_folder(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("in the way")
    path = SoundCues(not_a_folder).wav_path("tick")
    assert path.parent == sounds.fallback_cache_dir()
    assert read_wav(path)[0].nframes > 0


def test_disabled_means_no_sound_requested(cues: SoundCues, qtbot) -> None:  # type: ignore[no-untyped-def]
    cues.set_enabled(False)
    assert not cues.is_enabled()
    with qtbot.assertNotEmitted(cues.played):
        assert cues.play("tick") is False
        assert cues.play("done") is False
    assert cues.history == []
    cues.set_enabled(True)
    with qtbot.waitSignal(cues.played, check_params_cb=lambda name: name == "go"):
        assert cues.play("go") is True
    assert cues.history == ["go"]


def test_an_unknown_sound_is_an_error(cues: SoundCues) -> None:
    cues.set_enabled(False)
    with pytest.raises(ValueError, match="unknown sound 'beep'"):
        cues.play("beep")


def test_playing_on_this_machine_never_raises_and_logs_at_most_once(
    cues: SoundCues, qtbot, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    """Whatever this machine has (here: offscreen, no sound server, maybe no libpulse),
    playing is quiet about it: every request is recorded, one warning at most."""
    caplog.set_level(logging.WARNING, logger=sounds.__name__)
    for name in ("tick", "tick", "tick", "go", "done"):
        assert cues.play(name) is True
    assert cues.history == ["tick", "tick", "tick", "go", "done"]
    logged = warnings_from_sounds(caplog)
    assert len(logged) <= 1
    if cues.unavailable_reason is not None and not cues.preload():
        assert logged == [f"Sound cues are silent: {cues.unavailable_reason}"]


def test_without_qt_multimedia_sounds_are_silent_and_say_so_once(
    cues: SoundCues, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """What happens when libpulse.so.0 is missing: the Qt Multimedia import fails."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import -> ImportError
    caplog.set_level(logging.WARNING, logger=sounds.__name__)
    assert cues.preload() is False
    for _ in range(3):
        assert cues.play("tick") is True
    assert cues.unavailable_reason is not None
    assert cues.unavailable_reason.startswith("Qt Multimedia could not be loaded")
    assert warnings_from_sounds(caplog) == [f"Sound cues are silent: {cues.unavailable_reason}"]
    assert cues.history == ["tick"] * 3


def test_a_real_sound_effect_with_no_usable_device_does_not_raise(
    cues: SoundCues, qtbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    """Real QSoundEffects, made as if a default output existed: offscreen and without a
    sound server they end in status Error; play() must neither raise nor block."""
    multimedia = pytest.importorskip("PySide6.QtMultimedia", exc_type=ImportError)

    class PretendDevice:
        def isNull(self) -> bool:
            return False

    real_default = multimedia.QMediaDevices.defaultAudioOutput()
    if not real_default.isNull():
        pytest.skip("this machine has an audio output; nothing to pretend")
    monkeypatch.setattr(
        multimedia.QMediaDevices, "defaultAudioOutput", staticmethod(lambda: PretendDevice())
    )
    caplog.set_level(logging.WARNING, logger=sounds.__name__)
    assert cues.preload() is True
    effects = [cues._effects[name] for name in SOUND_NAMES]
    for name in SOUND_NAMES:
        assert cues.play(name) is True
    qtbot.waitUntil(
        lambda: all(e.status() != multimedia.QSoundEffect.Status.Loading for e in effects)
    )
    for name in SOUND_NAMES:
        cues.play(name)  # again, on effects in their final state
    assert cues.history == [*SOUND_NAMES, *SOUND_NAMES]
    if any(e.status() == multimedia.QSoundEffect.Status.Error for e in effects):
        reason = "the audio output device cannot play the cues"
        assert cues.unavailable_reason == reason
        assert warnings_from_sounds(caplog) == [f"Sound cues are silent: {reason}"]


def test_no_audio_output_found_is_reported_once(
    cues: SoundCues, caplog: pytest.LogCaptureFixture
) -> None:
    multimedia = pytest.importorskip("PySide6.QtMultimedia", exc_type=ImportError)
    if not multimedia.QMediaDevices.defaultAudioOutput().isNull():
        pytest.skip("this machine has an audio output")
    caplog.set_level(logging.WARNING, logger=sounds.__name__)
    for name in SOUND_NAMES:
        cues.play(name)
    assert cues.unavailable_reason == "no audio output device"
    assert warnings_from_sounds(caplog) == ["Sound cues are silent: no audio output device"]


def test_importing_and_creating_sound_cues_does_not_load_qt_multimedia() -> None:
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.ui.sounds import SoundCues\n"
        "cues = SoundCues(enabled=False)\n"
        "cues.play('tick')\n"
        "print('PySide6.QtMultimedia' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"
