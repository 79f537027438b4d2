"""Bluetooth LE trainers and sensors through bleak (see ARCHITECTURE.md, infra/ble).

- `scanner`: `scan()` -> `FoundDevice`s classified by advertised services
- `links`: one module per protocol: `links.ftms.FtmsTrainerLink`, `links.wahoo`,
  `links.fec`, `links.sensors` (`PowerMeterLink`, `HeartRateLink`, `CadenceSensorLink`),
  and `links.registry`: the table of trainer protocols and `link_for`
- `lifecycle`, `connection`, `telemetry`: what every link does the same way
- `supervisor`: `ConnectionSupervisor` (reconnect with backoff), `RidingDevices` (the ride's
  one `TrainerLink`: roles merged with failover, power match)
- `remembered`: last-used device per role in config_dir/devices.json
- `errors`: `explain(exc)` -> a plain-words `BluetoothProblem`; the links' errors
- `virtual_demo`: a virtual radio with demo devices (`virtual/`, optional bumble)

Kept import-free so `app.infra.ble.virtual` and the CLI parser stay cheap to import.
"""
