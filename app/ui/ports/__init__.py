"""What the desktop UI needs from the rest of the program, one module per concern.

The UI never imports app.infra: the composition root (`app.compose`) implements these
Protocols over the stores, the sync worker and Bluetooth, and hands them to the window in
one `app.ui.services.GuiServices`. Each module says which thread may call what.
"""
