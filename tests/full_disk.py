"""Run the command line with a disk that fills up: ``python -m tests.full_disk BYTES ARGS…``.

Every file the program opens for writing through Python (``open``, ``io.open``, ``os.fdopen``) shares ``BYTES``
bytes; the write that would pass them writes what still fits and the next raises ``OSError(ENOSPC)``, as a full disk
does. SQLite writes through its own C code and is not limited: the database is not where an export goes.
"""
from __future__ import annotations

import builtins
import errno
import io
import os
import sys

_budget = [0]
_real_open = io.open
_real_fdopen = os.fdopen


class _FullDisk(io.FileIO):
    def write(self, data) -> int:
        if _budget[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        data = bytes(data)[:_budget[0]]
        _budget[0] -= len(data)
        return super().write(data)


def _writing(mode: str) -> bool:
    return any(flag in mode for flag in "wax+")


def _wrap(raw: io.FileIO, mode: str, buffering: int, encoding, errors, newline):
    if buffering == 0:
        return raw
    size = buffering if buffering > 1 else io.DEFAULT_BUFFER_SIZE
    buffered = io.BufferedRandom(raw, size) if "+" in mode else io.BufferedWriter(raw, size)
    if "b" in mode:
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors=errors, newline=newline,
                            line_buffering=buffering == 1)


def _open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None):
    if not _writing(mode) or isinstance(file, int) and file < 3:
        return _real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
    raw_mode = "".join(ch for ch in mode if ch in "rwax+") or "r"
    raw = _FullDisk(file, raw_mode, closefd=closefd, opener=opener)
    return _wrap(raw, mode, buffering, encoding, errors, newline)


def _fdopen(fd, mode="r", buffering=-1, encoding=None, *args, **kwargs):
    if not _writing(mode):
        return _real_fdopen(fd, mode, buffering, encoding, *args, **kwargs)
    return _open(fd, mode, buffering, encoding, *args, **kwargs)


def main() -> int:
    _budget[0] = int(sys.argv[1])
    builtins.open = io.open = _open
    os.fdopen = _fdopen
    from station_app.cli import main as cli_main

    return cli_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
