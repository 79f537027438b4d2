"""The composition root: the one place that knows every layer and wires them together.

From typed options (and, for tests, typed overrides) it builds

- the ride stack (`ride.build_ride_stack`): device loop, trainer, journal, controller;
- the sync stack (`sync.build_sync_stack`): backend client, token store, outbox, worker;
- the desktop app's services (`gui.build_gui_services`): `GuiServices` filled with the
  adapters in `gui_adapters/`, each port over the infra stores, lazily where the first
  frame must not wait (`lazy.Lazy`).

The CLI (`app.cli`) and the desktop app are front ends over this and `app.services`.
Imports inside each builder are local, so opening the app imports only what its first
frame shows.
"""
