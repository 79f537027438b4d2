"""The reference sync server (FastAPI + SQLite): shared/design/SYNC_API.md.

`app.server.app.create_app(db_path)` builds the ASGI app; `app.server.cli` is the
`freewheel server` command. Optional extra `[server]` (fastapi, uvicorn).
"""
