"""Shared actions: what a rider can do, as thin functions over the stores and clients,
used alike by the command line (`app.cli`) and the desktop app (through the adapters in
`app.compose`), as Anki's `aqt/operations` serve every front end.

Each action takes the data folder (`AppPaths`) and plain values, does its one job and
says what happened in a small result; it raises the core's errors or the ones it names
(`SignInFailed`, `NotInterrupted`, ...), whose messages are written for the rider.
Nothing here imports Qt or argparse.
"""
