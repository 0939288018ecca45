"""Processes as Linux's /proc shows them (no psutil): for tests that interrupt the CLI and then
check that no solver or worker process survived."""

from __future__ import annotations

import os

__all__ = ["process_table", "descendants", "alive", "session_members"]


def _stat_fields(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, ..."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()


def process_table() -> dict[int, list[str]]:
    """``{pid: stat fields}`` of every process now."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _stat_fields(name)) is not None:
            table[int(name)] = fields
    return table


def descendants(pid: int) -> set[int]:
    """Children, grandchildren, ... of ``pid``."""
    parent = {p: int(f[1]) for p, f in process_table().items()}
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {c for c, p in parent.items() if p in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in "ZX"


def session_members(sid: int) -> list[tuple[int, str]]:
    """(pid, state) of the live processes of session ``sid``."""
    return [(p, f[0]) for p, f in process_table().items() if int(f[3]) == sid and f[0] not in "ZX"]
