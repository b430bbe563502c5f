"""Keep large read buffers in the heap (glibc only; a no-op elsewhere).

gunicorn reads request bodies with recv() of up to 1 MiB. glibc serves each allocation above its
mmap threshold (128 KiB at start) with fresh mmap'ed pages and returns them with munmap on free,
so every piece of a PATCH body cost 256 page faults of zeroed memory: reading a body ran at
~165 MB/s on loopback where the socket gives ~600 MB/s. With the threshold at 4 MiB (and the
trim threshold above it, so freed buffers are not handed back at once) the same read ran at
~440-580 MB/s. See docs/decisions/resumable-uploads-own-tus-server.md.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 * 1024 * 1024
TRIM_THRESHOLD = 16 * 1024 * 1024


def keep_large_buffers_in_heap() -> bool:
    """Tune this process's malloc once; True when it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
