"""A trainer with physics: a simulated rider on a smart trainer, stepped in time.

`TrainerPhysics` is pure and deterministic: the same seed, parameters and sequence of
calls give the same numbers. It knows nothing about clocks or asyncio; the caller decides
how much time passes (`step(dt_s)`). `SimulatedTrainerLink` (trainer.py) drives it from a
`Clock`. stdlib only.

What is modelled, per step:

- Cadence: an Ornstein-Uhlenbeck random walk around the rider's preferred cadence,
  slightly lower under higher load, clamped to a plausible band. `stop_pedalling()` lets the
  flywheel spin down to 0; `resume_pedalling()` spins back up.
- Power: the rider's true power follows the brake's *demand* through a first-order lag
  (`BRAKE_TAU_S`). ERG demand = the target (scaled down only below `ERG_FULL_CADENCE_RPM`);
  RESISTANCE demand = `resistance_power_w(level, cadence)`. Not pedalling: demand 0 with the
  faster `RELEASE_TAU_S`. The *reported* power adds ±`POWER_NOISE_FRAC` measurement noise.
- Heart rate: first-order response (faster up than down) toward a steady state that is
  linear in power/FTP, plus slow cardiac drift under sustained effort and a small wobble.
- Speed: virtual flat-road speed from the rider's kinetic energy,
  d(½·m·v²)/dt = P − (½·ρ·CdA·v³ + Crr·m·g·v); distance integrates speed. When the rider
  stops pedalling the virtual bike coasts down, as in other indoor-cycling apps.

Everything costs a handful of float operations per step (time constants are turned into
per-step factors once per distinct `dt_s`, three `random()` draws, no `gauss`): about
1.2 µs per step on a 2-vCPU Xeon, i.e. ~17 ms for an hour at 4 Hz (14,400 steps).
"""

from __future__ import annotations

import math
import random

from app.core.ports import TrainerMode, TrainerReading

# --- Brake ---------------------------------------------------------------------------------
BRAKE_TAU_S = 2.0
"""Brake time constant: a step reaches 90 % after 2.3·τ ≈ 4.6 s, like common smart trainers
(roughly 3-5 s to settle on a new ERG target)."""
RELEASE_TAU_S = 0.5
"""When the rider stops pushing, torque (and so power) is gone within about a second."""
POWER_NOISE_FRAC = 0.025
"""Reported power = true power × (1 ± 2.5 %), uniform, fresh every step (strain-gauge and
pedal-stroke jitter)."""
ERG_FULL_CADENCE_RPM = 30.0
"""Below this cadence the brake cannot hold the ERG target; demand scales with cadence, so
a stopped flywheel means 0 W even in ERG."""
MAX_ERG_W = 2000.0

# --- Resistance (level) mode ---------------------------------------------------------------
# P = (cadence / 90)² · (RESISTANCE_BASE_W + RESISTANCE_W_PER_PCT · level_pct)
# An eddy-current brake's torque grows with flywheel speed, so power ~ cadence² at a fixed
# level (fixed gear). Level 0 is the bare flywheel and bearings.
RESISTANCE_REF_CADENCE_RPM = 90.0
RESISTANCE_BASE_W = 40.0
"""Level 0 at 90 rpm: the flywheel and bearings alone."""
RESISTANCE_W_PER_PCT = 3.2
"""→ 200 W at 50 % / 90 rpm, 360 W at 100 % / 90 rpm, 165 W at 50 % / 75 rpm."""

# --- Cadence -------------------------------------------------------------------------------
CADENCE_REVERT_TAU_S = 10.0
"""Mean reversion of the cadence random walk (the rider drifts, then corrects)."""
CADENCE_SD_RPM = 3.0
"""Stationary standard deviation of the cadence around its mean."""
CADENCE_SPAN_RPM = 20.0
"""While pedalling normally cadence stays within preferred ± 20 rpm ..."""
CADENCE_MIN_RPM = 40.0
CADENCE_MAX_RPM = 130.0
"""... and inside these absolute bounds."""
CADENCE_DROP_RPM_PER_FTP = 8.0
"""Load effect: mean cadence drops 8 rpm per FTP of power above 0.5·FTP ..."""
CADENCE_MAX_DROP_RPM = 10.0
"""... by at most 10 rpm (88 rpm preferred → 84 rpm at FTP, 80 rpm at ≥ 1.75·FTP)."""
SPIN_UP_TAU_S = 1.0
"""After `resume_pedalling()` the cadence climbs back to the band with this time constant."""
SPIN_DOWN_TAU_S = 1.0
"""After `stop_pedalling()` the flywheel spins down with this time constant ..."""
SPIN_STOP_RPM = 2.0
"""... and reads 0 below this cadence (88 rpm → 0 in about 3.8 s)."""

# --- Heart rate ----------------------------------------------------------------------------
HR_AT_FTP_FRAC = 0.85
"""Steady-state HR at FTP: resting + 85 % of the reserve (≈ 166 bpm for 60/185), linear in
power/FTP, capped at max HR (reached at ≈ 1.18·FTP)."""
HR_UP_TAU_S = 40.0
HR_DOWN_TAU_S = 70.0
"""HR rises toward a harder effort with τ = 40 s and recovers more slowly, τ = 70 s."""
HR_DRIFT_BPM_PER_S = 0.02
"""Cardiac drift builds at 0.02 bpm/s per unit of power/FTP above 0.5 ..."""
HR_DRIFT_TAU_S = 1800.0
HR_MAX_DRIFT_BPM = 15.0
"""... decays with τ = 30 min, capped at +15 bpm (≈ +8 bpm after an hour at 0.75·FTP)."""
HR_WOBBLE_SD_BPM = 1.0
HR_WOBBLE_TAU_S = 5.0
"""Small breathing / beat-to-beat wobble on top."""

# --- Flat road -----------------------------------------------------------------------------
AIR_DENSITY_KG_M3 = 1.225
CDA_M2 = 0.32
"""Hoods position on a road bike."""
CRR = 0.004
GRAVITY_M_S2 = 9.81
BIKE_MASS_KG = 8.0
# 75 kg rider + 8 kg bike: 200 W → 9.6 m/s (34.5 km/h), 300 W → 10.9 m/s on the flat.

MAX_STEP_S = 0.5
"""`step()` splits longer intervals into sub-steps of at most this, for stability."""

_UNIFORM_SD = math.sqrt(12.0)  # (random() - 0.5) * sqrt(12) has unit standard deviation


def resistance_power_w(level_pct: float, cadence_rpm: float) -> float:
    """Power the brake absorbs at a resistance level (0-100 %) and cadence (no lag, no noise)."""
    r = cadence_rpm / RESISTANCE_REF_CADENCE_RPM
    return r * r * (RESISTANCE_BASE_W + RESISTANCE_W_PER_PCT * level_pct)


def steady_speed_mps(power_w: float, total_mass_kg: float = 75.0 + BIKE_MASS_KG) -> float:
    """Flat-road speed where P = ½·ρ·CdA·v³ + Crr·m·g·v (closed form, Cardano)."""
    if power_w <= 0.0:
        return 0.0
    a = 0.5 * AIR_DENSITY_KG_M3 * CDA_M2
    p = CRR * total_mass_kg * GRAVITY_M_S2 / a
    q = -power_w / a
    root = math.sqrt(q * q / 4.0 + p * p * p / 27.0)
    return math.cbrt(-q / 2.0 + root) + math.cbrt(-q / 2.0 - root)


class TrainerPhysics:
    """A rider on a smart trainer. Step it with `step(dt_s)`; read it with `snapshot()`.

    Starts at rest (0 W, HR at resting, 0 m/s), the rider pedalling at the preferred
    cadence, the trainer in RESISTANCE mode at `initial_resistance_pct`.
    """

    def __init__(
        self,
        *,
        ftp_w: float = 250.0,
        seed: int = 0,
        preferred_cadence_rpm: float = 88.0,
        rider_mass_kg: float = 75.0,
        resting_hr_bpm: float = 60.0,
        max_hr_bpm: float = 185.0,
        initial_resistance_pct: float = 25.0,
    ) -> None:
        if ftp_w <= 0:
            raise ValueError(f"ftp_w must be positive, got {ftp_w}")
        if not CADENCE_MIN_RPM <= preferred_cadence_rpm <= CADENCE_MAX_RPM:
            raise ValueError(f"preferred_cadence_rpm out of range: {preferred_cadence_rpm}")
        if not 0 < resting_hr_bpm < max_hr_bpm:
            raise ValueError("need 0 < resting_hr_bpm < max_hr_bpm")
        # parameters: fixed for the life of the instance (derived constants depend on them)
        self._ftp_w = float(ftp_w)
        self._seed = seed
        self._preferred_cadence_rpm = float(preferred_cadence_rpm)
        self._rider_mass_kg = float(rider_mass_kg)
        self._resting_hr_bpm = float(resting_hr_bpm)
        self._max_hr_bpm = float(max_hr_bpm)
        self._rng = random.Random(seed)

        # control state
        self._mode = TrainerMode.RESISTANCE
        self._erg = False
        self._erg_target_w = 0.0
        self._resistance_pct = _clamp(initial_resistance_pct, 0.0, 100.0)
        self._resistance_w_per_rpm2 = resistance_power_w(self._resistance_pct, 1.0)
        self._pedalling = True

        # physical state
        self._elapsed_s = 0.0
        self._cadence_rpm = self._preferred_cadence_rpm
        self._power_w = 0.0  # true power, lagged
        self._reported_power_w = 0.0  # with measurement noise
        self._hr_bpm = self._resting_hr_bpm
        self._hr_drift_bpm = 0.0
        self._hr_wobble_bpm = 0.0
        self._speed_mps = 0.0
        self._kinetic_j = 0.0
        self._distance_m = 0.0

        # derived constants
        self._total_mass_kg = self._rider_mass_kg + BIKE_MASS_KG
        self._two_over_mass = 2.0 / self._total_mass_kg
        self._inv_ftp = 1.0 / self._ftp_w
        self._aero_k = 0.5 * AIR_DENSITY_KG_M3 * CDA_M2
        self._roll_w_per_mps = CRR * self._total_mass_kg * GRAVITY_M_S2
        self._hr_per_ftp = HR_AT_FTP_FRAC * (self._max_hr_bpm - self._resting_hr_bpm)
        self._cad_low = max(CADENCE_MIN_RPM, self._preferred_cadence_rpm - CADENCE_SPAN_RPM)
        self._cad_high = min(CADENCE_MAX_RPM, self._preferred_cadence_rpm + CADENCE_SPAN_RPM)

        # per-dt factors, recomputed when dt changes
        self._dt = -1.0
        self._k_brake = self._k_release = self._k_cad = self._cad_noise = 0.0
        self._k_spin_up = self._k_spin_down = self._k_hr_up = self._k_hr_down = 0.0
        self._k_drift = self._k_wobble = self._wobble_noise = 0.0

    @property
    def ftp_w(self) -> float:
        return self._ftp_w

    @property
    def seed(self) -> int:
        return self._seed

    @property
    def preferred_cadence_rpm(self) -> float:
        return self._preferred_cadence_rpm

    @property
    def rider_mass_kg(self) -> float:
        return self._rider_mass_kg

    @property
    def resting_hr_bpm(self) -> float:
        return self._resting_hr_bpm

    @property
    def max_hr_bpm(self) -> float:
        return self._max_hr_bpm

    # --- control ---------------------------------------------------------------------------

    def set_erg_target(self, target_w: float) -> None:
        """ERG mode: the brake holds `target_w` (clamped to 0..MAX_ERG_W)."""
        self._mode = TrainerMode.ERG
        self._erg = True
        self._erg_target_w = _clamp(float(target_w), 0.0, MAX_ERG_W)

    def set_resistance(self, level_pct: float) -> None:
        """RESISTANCE mode at `level_pct` (clamped to 0..100); power follows the rider."""
        self._mode = TrainerMode.RESISTANCE
        self._erg = False
        self._resistance_pct = _clamp(float(level_pct), 0.0, 100.0)
        self._resistance_w_per_rpm2 = resistance_power_w(self._resistance_pct, 1.0)

    def stop_pedalling(self) -> None:
        self._pedalling = False

    def resume_pedalling(self) -> None:
        self._pedalling = True

    @property
    def mode(self) -> TrainerMode:
        return self._mode

    @property
    def erg_target_w(self) -> float:
        return self._erg_target_w

    @property
    def resistance_pct(self) -> float:
        return self._resistance_pct

    @property
    def is_pedalling(self) -> bool:
        return self._pedalling

    # --- state -----------------------------------------------------------------------------

    @property
    def elapsed_s(self) -> float:
        """Simulated time stepped so far."""
        return self._elapsed_s

    @property
    def distance_m(self) -> float:
        return self._distance_m

    @property
    def true_power_w(self) -> float:
        """The rider's power without measurement noise (what drives HR and speed)."""
        return self._power_w

    def snapshot(self) -> TrainerReading:
        """The current reading, at device resolution: whole watts, 0.5 rpm, whole bpm.

        Pure: reading does not consume randomness or change the state.
        """
        cadence = self._cadence_rpm
        return TrainerReading(
            power_w=float(round(self._reported_power_w)) if cadence > 0.0 else 0.0,
            cadence_rpm=round(cadence * 2.0) / 2.0,
            hr_bpm=float(round(self._hr_bpm + self._hr_wobble_bpm)),
            speed_mps=self._speed_mps,
        )

    # --- time ------------------------------------------------------------------------------

    def step(self, dt_s: float) -> None:
        """Advance the simulation by `dt_s` seconds (split into ≤ MAX_STEP_S sub-steps)."""
        if dt_s < 0.0:
            raise ValueError(f"dt_s must not be negative, got {dt_s}")
        if dt_s <= MAX_STEP_S:
            if dt_s > 0.0:
                self._step(dt_s)
            return
        while dt_s > MAX_STEP_S:
            self._step(MAX_STEP_S)
            dt_s -= MAX_STEP_S
        if dt_s > 0.0:
            self._step(dt_s)

    def _factors(self, dt: float) -> None:
        def k(tau: float) -> float:
            return 1.0 - math.exp(-dt / tau)

        self._dt = dt
        self._k_brake = k(BRAKE_TAU_S)
        self._k_release = k(RELEASE_TAU_S)
        self._k_cad = k(CADENCE_REVERT_TAU_S)
        # exact OU discretisation: x' = mu + (x - mu)·e^(-dt/τ) + sd·sqrt(1 - e^(-2dt/τ))·N
        self._cad_noise = CADENCE_SD_RPM * math.sqrt(1.0 - (1.0 - self._k_cad) ** 2) * _UNIFORM_SD
        self._k_spin_up = k(SPIN_UP_TAU_S)
        self._k_spin_down = k(SPIN_DOWN_TAU_S)
        self._k_hr_up = k(HR_UP_TAU_S)
        self._k_hr_down = k(HR_DOWN_TAU_S)
        self._k_drift = k(HR_DRIFT_TAU_S)
        self._k_wobble = k(HR_WOBBLE_TAU_S)
        self._wobble_noise = (
            HR_WOBBLE_SD_BPM * math.sqrt(1.0 - (1.0 - self._k_wobble) ** 2) * _UNIFORM_SD
        )

    def _step(self, dt: float) -> None:
        # Hot path (tens of thousands of calls per simulated hour): locals, no enum compares.
        if dt != self._dt:
            self._factors(dt)
        rnd = self._rng.random
        pedalling = self._pedalling
        power = self._power_w
        rel = power * self._inv_ftp

        # cadence
        cad = self._cadence_rpm
        if pedalling:
            mean = self._preferred_cadence_rpm
            if rel > 0.5:
                drop = CADENCE_DROP_RPM_PER_FTP * (rel - 0.5)
                mean -= drop if drop < CADENCE_MAX_DROP_RPM else CADENCE_MAX_DROP_RPM
            low = self._cad_low
            if cad < low:  # spinning back up after a stop
                cad += (mean - cad) * self._k_spin_up
            else:
                cad += (mean - cad) * self._k_cad + (rnd() - 0.5) * self._cad_noise
                if cad < low:
                    cad = low
                elif cad > self._cad_high:
                    cad = self._cad_high
            # power: follow the brake's demand
            if self._erg:
                demand = self._erg_target_w
                if cad < ERG_FULL_CADENCE_RPM:
                    demand *= cad / ERG_FULL_CADENCE_RPM
            else:
                demand = cad * cad * self._resistance_w_per_rpm2
            power += (demand - power) * self._k_brake
        else:
            cad -= cad * self._k_spin_down
            if cad < SPIN_STOP_RPM:
                cad = 0.0
            power -= power * self._k_release
            if power < 1.0:
                power = 0.0
        self._cadence_rpm = cad
        self._power_w = power
        self._reported_power_w = power * (1.0 + (rnd() - 0.5) * (2.0 * POWER_NOISE_FRAC))

        # heart rate: steady state from the effort at the start of the step, plus drift
        drift = self._hr_drift_bpm
        if rel > 0.5:
            drift += HR_DRIFT_BPM_PER_S * (rel - 0.5) * dt
            if drift > HR_MAX_DRIFT_BPM:
                drift = HR_MAX_DRIFT_BPM
        drift -= drift * self._k_drift
        self._hr_drift_bpm = drift
        target = self._resting_hr_bpm + self._hr_per_ftp * rel + drift
        if target > self._max_hr_bpm:
            target = self._max_hr_bpm
        hr = self._hr_bpm
        self._hr_bpm = hr + (target - hr) * (self._k_hr_up if target > hr else self._k_hr_down)
        wobble = self._hr_wobble_bpm  # added to the reading only, never to the state
        self._hr_wobble_bpm = wobble - wobble * self._k_wobble + (rnd() - 0.5) * self._wobble_noise

        # flat road: kinetic energy in, drag out
        v = self._speed_mps
        ke = self._kinetic_j + (power - (self._aero_k * v * v + self._roll_w_per_mps) * v) * dt
        if ke > 0.0:
            v_new = math.sqrt(ke * self._two_over_mass)
        else:
            ke = v_new = 0.0
        self._kinetic_j = ke
        self._distance_m += 0.5 * (v + v_new) * dt
        self._speed_mps = v_new
        self._elapsed_s += dt


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def grade_to_resistance_pct(grade_pct: float, base_pct: float = 25.0) -> float:
    """The brake level for a simulated grade: the base level on the flat, 6 % per 1 % grade.

    `TrainerPhysics` models ERG and a resistance level, not a road; what a trainer's grade
    simulation ends up as at the brake is a level, so SIM mode becomes one.
    """
    return max(0.0, min(100.0, base_pct + 6.0 * grade_pct))
