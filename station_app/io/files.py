"""Writing files so that a crash or a full disk never leaves half a file behind."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from station_app.i18n import tr


class FileWriteError(Exception):
    """A file could not be written; the message is ready to show (Chinese or English)."""


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success.

    If the body raises (or the disk is full), the temporary file is removed and ``target`` is
    left exactly as it was.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        # mkstemp makes the file private (0600); an exported file should have ordinary permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
    except OSError as exc:
        raise FileWriteError(tr("无法写入文件 {path}：{error}", path=target, error=exc.strerror or exc)) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        fsync_file(tmp)  # the data on the disk before the name points at it: a power cut leaves old or new
        os.replace(tmp, target)
        fsync_directory(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileWriteError(tr("无法写入文件 {path}：{error}", path=target, error=exc.strerror or exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fsync_file(path: Path | str) -> None:
    """Push ``path``'s data to the disk."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_directory(folder: Path | str) -> None:
    """Push a folder's entries (a rename just made) to the disk; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems (network shares) cannot sync a folder; the file itself was synced
        pass
    finally:
        os.close(fd)
