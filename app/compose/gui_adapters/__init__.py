"""The desktop app's ports (app/ui/ports) implemented over the stores, the ride stack,
the sync worker and Bluetooth: one module per concern."""
