"""Find the line of a TOML file that a validation error's path points at.

Pure core. tomllib keeps no positions, so this walks the text's table headers and keys once and
maps each path (`categories[2].max_pages`) to the line that sets it; an error on a missing key
points at the header of the table that lacks it.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"']+)\s*=")


def _split_key(raw: str) -> list[str]:
    return [part.strip().strip("\"'") for part in raw.split(".")]


def index_lines(text: str) -> dict[tuple, int]:
    """Map every table and key path in the file to its (1-based) line."""
    positions: dict[tuple, int] = {}
    array_counts: dict[tuple, int] = {}
    current: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            path: tuple = ()
            # Resolve every prefix against the arrays seen so far: [[categories.subtypes]]
            # belongs to the latest [[categories]].
            for name in names[:-1]:
                path += (name,)
                if path in array_counts:
                    path += (array_counts[path] - 1,)
            path += (names[-1],)
            if header.group(1) == "[[":
                index = array_counts.get(path, 0)
                array_counts[path] = index + 1
                path += (index,)
            current = path
            positions.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            positions.setdefault(current + tuple(_split_key(key.group(1))), number)
    return positions


def locate(text: str, loc: tuple) -> int | None:
    """The line for `loc`, or for its nearest ancestor that the file spells out."""
    positions = index_lines(text)
    for length in range(len(loc), 0, -1):
        line = positions.get(tuple(loc[:length]))
        if line is not None:
            return line
    return None
