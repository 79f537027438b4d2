"""`python -m app.server ARGS` is `freewheel server ARGS`."""

from app.server.cli import main

raise SystemExit(main())
