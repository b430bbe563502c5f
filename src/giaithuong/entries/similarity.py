"""Duplicate works (tác phẩm trùng lặp) across entries. Pure core: no Django.

Two signals, each a reason to put a pair of entries side by side before intake:
- the same file (equal SHA-256) in both entries: `same_file`;
- the same or nearly the same title and summary: `same_text` when they are equal once case,
  punctuation and spacing are set aside; `similar_text` when their estimated resemblance
  (Jaccard similarity of shingles) reaches the threshold.

Text is compared with its diacritics folded away ("Hà Nội" = "Ha Noi"), since a copy retyped
without Vietnamese marks is still a copy. The shingles are word triples of the title and of the
summary, and character trigrams of the title (a short title has too few words to compare).

A `Signature` is computed once per entry and stored (JSON of plain ints and strings). The
resemblance estimate is one-permutation MinHash: every shingle is hashed once with a keyed
BLAKE2b, the hash picks one of 128 bins and the bin keeps its smallest value, and empty bins
borrow from their neighbour (rotation densification). LSH banding (42 bands of 3 bins) puts
entries that share a band in one bucket, so only entries likely to resemble each other are
compared and N entries take about linear time. Everything is keyed and seeded: the same text
gives the same signature in every process (Python's randomised `hash()` is never used).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Hashable, Iterable

VERSION = 1
BINS = 128
BANDS = 42
ROWS = 3  # BANDS * ROWS <= BINS. A pair of resemblance s shares a band with probability
# 1-(1-s^3)^42: 0.996 at s = 0.5 (the threshold), 0.04 at s = 0.1 (unrelated prose).
THRESHOLD = 0.5
WORDS_PER_SHINGLE = 3
_KEY = b"giaithuong.entries.similarity/1"
_VALUE_MASK = 0xFFFFFFFF  # 32-bit values: stored as plain JSON numbers anywhere
_STEP = 0x9E3779B1  # odd constant, so a borrowed value differs from the one lent
_MASK64 = (1 << 64) - 1
_BAND_MASK = (1 << 63) - 1  # band keys fit a signed 64-bit database column

SAME_FILE = "same_file"
SAME_TEXT = "same_text"
SIMILAR_TEXT = "similar_text"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_NOT_WORD = re.compile(r"[\W_]+")
# Invisible characters that would otherwise split a word in two (zero-width space, soft hyphen,
# joiners, direction marks, byte-order mark).
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF,
                            *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _fold_table() -> dict[int, str | None]:
    """For str.translate: Latin letters with marks to their bare letter, đ/Đ to d/D (not a mark
    in Unicode), and loose combining marks dropped."""
    table: dict[int, str | None] = {0x0111: "d", 0x0110: "D"}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", char)
                       if not unicodedata.combining(c))
        if bare != char and bare:
            table[code] = bare
    for first, last in ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
                        (0xFE20, 0xFE2F)):
        table.update(dict.fromkeys(range(first, last + 1)))
    return table


_FOLD = _fold_table()


def normalise(text: str) -> str:
    """NFC, lower case, punctuation and symbols to spaces, single spaces; diacritics kept."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE)).casefold()
    text = unicodedata.normalize("NFC", text)  # casefolding can decompose a few letters
    return " ".join(_NOT_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """`normalise(text)` without diacritics: "Hà Nội, Đà Nẵng" -> "ha noi da nang"."""
    return normalise(text).translate(_FOLD)


def shingles(title: str, summary: str = "") -> set[str]:
    """The pieces compared: word triples of title and summary, character trigrams of the title."""
    folded_title = fold(title)
    found: set[str] = set()
    for folded in (folded_title, fold(summary)):
        words = folded.split()
        if 0 < len(words) < WORDS_PER_SHINGLE:
            found.add("w " + folded)
        for i in range(len(words) - WORDS_PER_SHINGLE + 1):
            found.add("w " + " ".join(words[i:i + WORDS_PER_SHINGLE]))
    if folded_title:
        padded = f" {folded_title} "
        found.update("c " + padded[i:i + 3] for i in range(len(padded) - 2))
    return found


_HASHER = hashlib.blake2b(digest_size=8, key=_KEY)


def _hash64(value: bytes) -> int:
    hasher = _HASHER.copy()
    hasher.update(value)
    return int.from_bytes(hasher.digest(), "big")


def minhash(pieces: Iterable[str]) -> tuple[int, ...]:
    """One-permutation MinHash of a set of strings: BINS values, or () for an empty set."""
    empty = _VALUE_MASK + 1
    mins = [empty] * BINS
    for piece in pieces:
        value = _hash64(piece.encode())
        slot = value >> 57  # the top 7 bits choose one of 128 bins
        low = value & _VALUE_MASK
        if low < mins[slot]:
            mins[slot] = low
    if all(m == empty for m in mins):
        return ()
    # Rotation densification: an empty bin borrows the next filled bin's value (to the right,
    # wrapping), shifted by its distance, so two sets still agree there as often as they resemble.
    # One walk leftwards from a filled bin sees each bin's next filled bin last.
    start = next(i for i in range(BINS) if mins[i] != empty)
    lent, distance = mins[start], 0
    for step in range(1, BINS):
        i = (start - step) % BINS
        if mins[i] == empty:
            distance += 1
            mins[i] = (lent + distance * _STEP) & _VALUE_MASK
        else:
            lent, distance = mins[i], 0
    return tuple(mins)


@dataclasses.dataclass(frozen=True, slots=True)
class Signature:
    """What duplicate detection keeps of an entry: the MinHash of its text, a digest of its
    normalised text (for exact copies) and the SHA-256 of its files."""

    minhash: tuple[int, ...] = ()
    text: str = ""
    files: frozenset[str] = frozenset()

    def to_json(self) -> dict:
        return {"v": VERSION, "minhash": list(self.minhash), "text": self.text,
                "files": sorted(self.files)}

    @classmethod
    def from_json(cls, data: dict) -> Signature:
        """Raises ValueError for a malformed signature or one made by another VERSION (then
        compute it again from the entry)."""
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise ValueError("signature from another version of the similarity core")
        values = data.get("minhash", [])
        files = data.get("files", [])
        text = data.get("text", "")
        if (not isinstance(values, list) or len(values) not in (0, BINS)
                or not all(isinstance(v, int) and 0 <= v <= _VALUE_MASK for v in values)):
            raise ValueError("minhash must be a list of 128 unsigned 32-bit integers, or empty")
        if not isinstance(text, str) or not isinstance(files, list):
            raise ValueError("malformed signature")
        return cls(tuple(values), text, frozenset(_file_hash(f) for f in files))

    def band_keys(self) -> list[int]:
        """One key per band (non-negative, < 2**63), for an indexed database column: entries
        sharing any key are the candidates to compare. [] when there is no text."""
        if not self.minhash:
            return []
        keys = []
        for band in range(BANDS):
            v = self.minhash[band * ROWS:(band + 1) * ROWS]
            keys.append(_mix64(((v[0] << 32) | v[1]) ^ _mix64((band << 32) | v[2])) & _BAND_MASK)
        return keys


def _mix64(x: int) -> int:
    """splitmix64's finaliser: a fixed bijection of 64-bit integers that scatters nearby ones."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def _file_hash(value: object) -> str:
    digest = str(value).strip().lower()
    if not _HEX64.fullmatch(digest):
        raise ValueError(f"not a SHA-256 in hexadecimal: {value!r}")
    return digest


def signature(title: str, summary: str = "", file_hashes: Iterable[str] = ()) -> Signature:
    """The signature of an entry from its title, its Vietnamese summary and its files' SHA-256."""
    kept = normalise(f"{title}\n{summary}")
    digest = hashlib.sha256(kept.encode()).hexdigest()[:32] if kept else ""
    return Signature(minhash(shingles(title, summary)), digest,
                     frozenset(_file_hash(h) for h in file_hashes))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated resemblance of the two texts, in [0, 1]; 0 when either has no text."""
    if not a.minhash or not b.minhash:
        return 0.0
    return sum(x == y for x, y in zip(a.minhash, b.minhash, strict=True)) / BINS


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """An entry as duplicate detection sees it: its key (an id), signature and owner."""

    key: Hashable
    signature: Signature
    owner: Hashable | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Pair:
    """Two entries to show side by side: `a` came first (indexed earlier), `b` later. `score`
    is 1.0 for a shared file or the same text, else the estimated resemblance; `files` are the
    shared SHA-256."""

    a: Hashable
    b: Hashable
    score: float
    reason: str
    files: tuple[str, ...] = ()


def compare(earlier: Item, later: Item, threshold: float = THRESHOLD) -> Pair | None:
    """The pair if the two entries should be shown to intake, else None."""
    shared = tuple(sorted(earlier.signature.files & later.signature.files))
    if shared:
        return Pair(earlier.key, later.key, 1.0, SAME_FILE, shared)
    if earlier.signature.text and earlier.signature.text == later.signature.text:
        return Pair(earlier.key, later.key, 1.0, SAME_TEXT)
    score = similarity(earlier.signature, later.signature)
    if score >= threshold and score > 0:
        return Pair(earlier.key, later.key, score, SIMILAR_TEXT)
    return None


class Index:
    """Entries by band key, file hash and text digest, to find an entry's candidates without
    comparing it with every other. Adding an entry under a key already present replaces it."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._items: dict[Hashable, tuple[int, Item, tuple]] = {}
        self._buckets: dict[tuple[str, object], dict[Hashable, None]] = {}
        self._order = 0
        for item in items:
            self.add(item)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    @staticmethod
    def _keys(item: Item) -> tuple:
        sig = item.signature
        return (*(("band", k) for k in sig.band_keys()), *(("file", f) for f in sig.files),
                *((("text", sig.text),) if sig.text else ()))

    def add(self, item: Item, keys: tuple | None = None) -> None:
        """Index `item`; `keys` are its `_keys` when the caller has them already."""
        self.remove(item.key)
        keys = self._keys(item) if keys is None else keys
        self._items[item.key] = (self._order, item, keys)
        self._order += 1
        for bucket in keys:
            self._buckets.setdefault(bucket, {})[item.key] = None

    def remove(self, key: Hashable) -> None:
        """Forget an entry (withdrawn, or about to be replaced by its new version)."""
        found = self._items.pop(key, None)
        if found is None:
            return
        for bucket in found[2]:
            members = self._buckets.get(bucket)
            if members is not None:
                members.pop(key, None)
                if not members:
                    del self._buckets[bucket]

    def _candidates(self, item: Item, keys: tuple) -> list[tuple[int, Item]]:
        seen: dict[Hashable, None] = {}
        for bucket in keys:
            seen.update(self._buckets.get(bucket, {}))
        seen.pop(item.key, None)
        return sorted((self._items[k][0], self._items[k][1]) for k in seen)


def _pairs_for(item: Item, keys: tuple, index: Index, threshold: float,
               skip_same_owner: bool) -> list[Pair]:
    pairs = []
    for _, other in index._candidates(item, keys):
        if skip_same_owner and item.owner is not None and other.owner == item.owner:
            continue
        pair = compare(other, item, threshold)
        if pair is not None:
            pairs.append(pair)
    return pairs


def candidates_for(new_item: Item, index: Index, *, threshold: float = THRESHOLD,
                   skip_same_owner: bool = False) -> list[Pair]:
    """Pairs of `new_item` with entries already in `index` (each pair's `a` is the indexed
    entry, `b` the new one), strongest first. The index is not changed."""
    pairs = _pairs_for(new_item, Index._keys(new_item), index, threshold, skip_same_owner)
    return sorted(pairs, key=lambda p: -p.score)  # stable: earlier entries first among equals


def find_pairs(items: Iterable[Item], *, threshold: float = THRESHOLD,
               skip_same_owner: bool = False) -> list[Pair]:
    """Every pair of `items` to put before intake, each once, strongest first, then in the
    order of the items. Raises ValueError when two items share a key."""
    index = Index()
    pairs: list[tuple[float, int, Pair]] = []
    for position, item in enumerate(items):
        if item.key in index:
            raise ValueError(f"two items with the key {item.key!r}")
        keys = Index._keys(item)
        pairs.extend((-p.score, position, p)
                     for p in _pairs_for(item, keys, index, threshold, skip_same_owner))
        index.add(item, keys)
    return [p for *_, p in sorted(pairs, key=lambda t: (t[0], t[1]))]
