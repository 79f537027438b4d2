"""GET /api/v1/library: the workout library in pages after a cursor, with an ETag."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.server.context import Auth, Ctx
from app.server.errors import ApiError
from app.server.store import ServerStore, decode_cursor, encode_cursor

LIBRARY_DEFAULT_LIMIT, LIBRARY_MAX_LIMIT = 200, 1000

router = APIRouter()


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def _after_seq(cursor: str | None, epoch: str) -> int:
    """The change number a cursor points after; 0 (everything) without one, or for a
    cursor of another database (the server was reset: start over)."""
    if not cursor:
        return 0
    try:
        cursor_epoch, cursor_seq = decode_cursor(cursor)
    except ValueError:
        raise ApiError(400, "invalid_cursor", "cursor is not one this server issued") from None
    return cursor_seq if cursor_epoch == epoch else 0


def _page(store: ServerStore, epoch: str, after: int, limit: int) -> dict[str, object]:
    rows, has_more = store.library_page(after, limit)
    return {
        "workouts": [r.as_json() for r in rows if not r.deleted],
        "deleted": [r.id for r in rows if r.deleted],
        "cursor": encode_cursor(epoch, rows[-1].seq if rows else after),
        "has_more": has_more,
    }


@router.get("/api/v1/library")
def library(
    request: Request,
    session: Auth,
    ctx: Ctx,
    cursor: str | None = None,
    limit: int = LIBRARY_DEFAULT_LIMIT,
) -> Response:
    if limit < 1:
        raise ApiError(400, "invalid_request", "limit must be at least 1")
    limit = min(limit, LIBRARY_MAX_LIMIT)
    epoch, latest = ctx.store.library_state()
    after = _after_seq(cursor, epoch)
    state = f"{epoch}:{latest}:{after}:{limit}".encode()
    etag = f'"{hashlib.sha256(state).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(_page(ctx.store, epoch, after, limit), headers=headers)
