"""The BLE device links, one protocol a module, and the table of trainer protocols.

- `registry`: `TrainerProtocol`, `TRAINER_PROTOCOLS` (protocol -> link class, how it is
  recognised, its label) and `link_for(found, clock=...)`
- `base`: `TrainerLinkBase`, what every trainer link shares (command lock, answers,
  error mapping)
- `ftms`: `FtmsTrainerLink` (the standard); `wahoo`: `WahooTrainerLink` (legacy KICKR);
  `fec`: `FecTrainerLink` (Tacx FE-C over BLE)
- `sensors`: `PowerMeterLink`, `HeartRateLink`, `CadenceSensorLink`

Adding a trainer protocol: its codec in `app/core/devices/`, its link module here, one
member and one row in `registry` (and a virtual peripheral in `app/infra/ble/virtual/`
for the tests).

Kept import-free: importing one link does not import the others.
"""
