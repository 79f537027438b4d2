"""Outbox state machine, sync planner and session, status model (pure; see planner.py)."""
