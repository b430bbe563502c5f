"""Duplicate detection for submitted entries: the database side of `similarity` (the pure core).

After submits (`signals.entries_submitted`, after commit, in batches) `flag_duplicates_of`:
1. computes each entry's signature from its title, Vietnamese summary and the SHA-256 of its
   work and translation files, stores it (`Entry.similarity_signature`) with its lookup keys
   (`SimilarityKey`: LSH bands, file hashes, text digest) and commits;
2. reads the live entries of the edition sharing a key, builds a `similarity.Index` of them and
   asks `similarity.candidates_for` which pairs to show intake;
3. writes one `DuplicateFlag` per pair (idempotent: the pair is unique), audited.

Step 1 commits before step 2 reads, so of two near-identical entries submitted at the same
moment, at least the later reader sees the other: no pair slips between two transactions.
Entries of the same participant are compared too (one work entered in two categories).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q

from giaithuong.common import audit
from giaithuong.entries import similarity
from giaithuong.entries.models import (
    LIVE,
    DuplicateFlag,
    DuplicateStatus,
    Entry,
    EntryFile,
    FileRole,
    SimilarityKey,
)

log = logging.getLogger(__name__)

COMPARED_FILES = (FileRole.MAIN, FileRole.TRANSLATION)  # evidence may rightly be shared


def _compared_hashes(entries: list[Entry]) -> dict[int, list[str]]:
    hashes: dict[int, list[str]] = defaultdict(list)
    for entry_id, digest in (EntryFile.objects.filter(entry_id__in=[e.pk for e in entries],
                                                      role__in=COMPARED_FILES)
                             .order_by().values_list("entry_id", "sha256")):
        hashes[entry_id].append(digest)
    return hashes


def lookup_keys(signature: similarity.Signature) -> list[str]:
    """The keys an entry is found under: b<band>, f<sha256>, t<text digest>."""
    return [*(f"b{key}" for key in signature.band_keys()),
            *(f"f{digest}" for digest in sorted(signature.files)),
            *((f"t{signature.text}",) if signature.text else ())]


def index_entries(entries: list[Entry]) -> dict[int, similarity.Signature]:
    """Store the entries' signatures and lookup keys (replacing earlier ones) and commit: a
    few statements for the whole batch."""
    hashes = _compared_hashes(entries)
    signatures = {e.pk: similarity.signature(e.title, e.summary_vi, hashes.get(e.pk, []))
                  for e in entries}
    indexed_before = [e.pk for e in entries if e.similarity_signature]  # resubmits
    for entry in entries:
        entry.similarity_signature = signatures[entry.pk].to_json()
    with transaction.atomic():
        # bulk_update() is an update(): not a change of the participant's, so neither
        # version nor updated_at moves.
        Entry.objects.bulk_update(entries, ["similarity_signature"])
        if indexed_before:
            SimilarityKey.objects.filter(entry_id__in=indexed_before).delete()
        SimilarityKey.objects.bulk_create([
            SimilarityKey(edition_id=entry.edition_id, entry_id=entry.pk, key=key)
            for entry in entries for key in lookup_keys(signatures[entry.pk])])
    return signatures


def _stored(entry: Entry) -> similarity.Signature | None:
    try:
        return similarity.Signature.from_json(entry.similarity_signature)
    except ValueError:  # not indexed yet, or by another version of the core
        return None


def _sharing_keys(entries: list[Entry], keys: dict[int, list[str]]) -> dict[int, set[int]]:
    """For each entry, the other entries of its edition found under one of its keys."""
    # Plain probes of the key index rather than one nested query: each stays an index probe
    # whatever the planner's statistics say while an edition's first entries pour in.
    found: dict[tuple[int, str], set[int]] = defaultdict(set)
    for key, edition_id, entry_id in (
            SimilarityKey.objects.filter(key__in=sorted({k for ks in keys.values() for k in ks}),
                                         edition_id__in=sorted({e.edition_id for e in entries}))
            .order_by().values_list("key", "edition_id", "entry_id")):
        found[(edition_id, key)].add(entry_id)
    return {entry.pk: {other for key in keys[entry.pk]
                       for other in found[(entry.edition_id, key)] if other != entry.pk}
            for entry in entries}


def _indexes(ids: set[int]) -> dict[int, similarity.Index]:
    """The live ones among `ids` indexed by the core, one index per edition, oldest submit
    first; an entry not yet indexed (or indexed by another version of the core) is stored
    now."""
    if not ids:
        return {}
    others = list(Entry.objects.filter(pk__in=sorted(ids), status__in=sorted(LIVE))
                  .only("pk", "edition_id", "owner_id", "title", "summary_vi",
                        "similarity_signature", "submitted_at")
                  .order_by("submitted_at", "pk"))
    stale = [other for other in others if _stored(other) is None]
    fresh = index_entries(stale) if stale else {}
    indexes: dict[int, similarity.Index] = defaultdict(similarity.Index)
    for other in others:
        indexes[other.edition_id].add(similarity.Item(
            other.pk, fresh.get(other.pk) or _stored(other), other.owner_id))
    return indexes


FIELDS = ("pk", "edition_id", "owner_id", "status", "title", "summary_vi",
          "similarity_signature")


def flag_duplicates_of(entry_ids: list[int]) -> list[DuplicateFlag]:
    """Index the submitted entries and flag every live entry of their edition each may
    duplicate, in a few statements for the whole batch. Safe to run again: the flags of pairs
    already found are returned, not repeated."""
    entries = list(Entry.objects.filter(pk__in=sorted(entry_ids), status__in=sorted(LIVE))
                   .only(*FIELDS).order_by("pk"))
    if not entries:
        return []
    signatures = index_entries(entries)  # committed before the lookup, see the module's note
    sharing = _sharing_keys(entries, {e.pk: lookup_keys(signatures[e.pk]) for e in entries})
    # One index of every entry found for the batch, per edition: the core finds each entry's
    # candidates in it under the same keys the database found them by.
    indexes = _indexes(set().union(*sharing.values()))
    flags: dict[int, DuplicateFlag] = {}
    for entry in entries:
        index = indexes.get(entry.edition_id)
        if index is None:
            continue
        for pair in similarity.candidates_for(
                similarity.Item(entry.pk, signatures[entry.pk], entry.owner_id), index):
            flag = _write_flag(entry, pair)
            flags[flag.pk] = flag
    return list(flags.values())


def flag_duplicates(entry_id: int) -> list[DuplicateFlag]:
    """`flag_duplicates_of` one entry."""
    return flag_duplicates_of([entry_id])


def _write_flag(entry: Entry, pair: similarity.Pair) -> DuplicateFlag:
    a, b = sorted((int(pair.a), int(pair.b)))
    found = {"score": round(pair.score, 4), "reason": pair.reason, "files": list(pair.files)}
    with transaction.atomic():
        flag = DuplicateFlag.objects.select_for_update().filter(entry_a_id=a, entry_b_id=b).first()
        if flag is None:
            try:
                with transaction.atomic():  # a savepoint: the other entry's submit may race us
                    flag = DuplicateFlag.objects.create(edition_id=entry.edition_id,
                                                        entry_a_id=a, entry_b_id=b, **found)
            except IntegrityError:
                return DuplicateFlag.objects.get(entry_a_id=a, entry_b_id=b)
            audit.record("entry.duplicate_flagged", target=flag,
                         after={"entry_a": a, "entry_b": b, **found})
            log.info("entries %s and %s flagged as possible duplicates (%s)", a, b, pair.reason)
            return flag
        current = {"score": flag.score, "reason": flag.reason, "files": flag.files}
        if flag.status == DuplicateStatus.OPEN and current != found:
            # The entry came back changed (resubmitted): intake sees the pair as it is now.
            for name, value in found.items():
                setattr(flag, name, value)
            flag.save(update_fields=list(found))
            audit.record("entry.duplicate_updated", target=flag, before=current, after=found)
    return flag


def on_entries_submitted(sender, entry_ids: list[int], **kwargs) -> None:
    # A failure is logged by send_robust; the submits stand and `giaithuong find_duplicates`
    # indexes the entries later.
    flag_duplicates_of(entry_ids)


def entries_to_index(*, edition=None, everything: bool = False):
    """Live entries without a signature of the current version (all live ones: `everything`)."""
    entries = Entry.objects.filter(status__in=sorted(LIVE), receipt_sequence__isnull=False)
    if edition is not None:
        entries = entries.filter(edition=edition)
    if not everything:
        # has_key first: on a row without the key the comparison is NULL, and NOT NULL would
        # leave the row out.
        entries = entries.exclude(Q(similarity_signature__has_key="v")
                                  & Q(similarity_signature__v=similarity.VERSION))
    return entries.order_by("submitted_at", "pk")
