"""Duplicate detection for submitted entries: the database side of `similarity` (the pure core).

After each submit (`signals.entry_submitted`, after commit) `flag_duplicates(entry_id)`:
1. computes the entry's signature from its title, Vietnamese summary and the SHA-256 of its
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
from collections.abc import Iterable

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


def entry_signature(entry: Entry) -> similarity.Signature:
    if "files" in getattr(entry, "_prefetched_objects_cache", {}):  # read by the submit
        hashes = [f.sha256 for f in entry.files.all() if f.role in COMPARED_FILES]
    else:
        hashes = EntryFile.objects.filter(entry=entry, role__in=COMPARED_FILES).values_list(
            "sha256", flat=True)
    return similarity.signature(entry.title, entry.summary_vi, hashes)


def lookup_keys(signature: similarity.Signature) -> list[str]:
    """The keys an entry is found under: b<band>, f<sha256>, t<text digest>."""
    return [*(f"b{key}" for key in signature.band_keys()),
            *(f"f{digest}" for digest in sorted(signature.files)),
            *((f"t{signature.text}",) if signature.text else ())]


def index_entry(entry: Entry) -> similarity.Signature:
    """Store the entry's signature and lookup keys (replacing earlier ones) and commit."""
    signature = entry_signature(entry)
    keys = lookup_keys(signature)
    with transaction.atomic():
        # update(): not a change of the participant's, so neither version nor updated_at moves.
        Entry.objects.filter(pk=entry.pk).update(similarity_signature=signature.to_json())
        if entry.similarity_signature:  # indexed before (a resubmit): its old keys go
            SimilarityKey.objects.filter(entry=entry).delete()
        SimilarityKey.objects.bulk_create([
            SimilarityKey(edition_id=entry.edition_id, entry_id=entry.pk, key=key)
            for key in keys])
    return signature


def _stored(entry: Entry) -> similarity.Signature | None:
    try:
        return similarity.Signature.from_json(entry.similarity_signature)
    except ValueError:  # not indexed yet, or by another version of the core
        return None


def _candidates(entry: Entry, keys: Iterable[str]) -> list[similarity.Item]:
    # Two plain lookups rather than one nested query: each stays an index probe whatever the
    # planner's statistics say while an edition's first entries pour in.
    ids = set(SimilarityKey.objects.filter(key__in=list(keys), edition_id=entry.edition_id)
              .exclude(entry_id=entry.pk).values_list("entry_id", flat=True))
    if not ids:
        return []
    others = (Entry.objects.filter(pk__in=sorted(ids), status__in=sorted(LIVE))
              .only("pk", "owner_id", "similarity_signature", "submitted_at")
              .order_by("submitted_at", "pk"))
    items = []
    for other in others:
        signature = _stored(other)
        if signature is None:
            signature = index_entry(other)
        items.append(similarity.Item(other.pk, signature, other.owner_id))
    return items


def flag_duplicates(entry_id: int, entry: Entry | None = None) -> list[DuplicateFlag]:
    """Index the submitted entry and flag every live entry of its edition it may duplicate.
    Safe to run again: the flags of pairs already found are returned, not repeated. `entry`
    is the row as just committed, when the caller has it."""
    if entry is None or entry.pk != entry_id:
        entry = (Entry.objects.filter(pk=entry_id)
                 .only("pk", "edition_id", "owner_id", "status", "title", "summary_vi",
                       "similarity_signature").first())
    if entry is None or entry.status not in LIVE:
        return []
    signature = index_entry(entry)
    index = similarity.Index(_candidates(entry, lookup_keys(signature)))
    pairs = similarity.candidates_for(similarity.Item(entry.pk, signature, entry.owner_id),
                                      index)
    return [_write_flag(entry, pair) for pair in pairs]


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


def on_entry_submitted(sender, entry_id: int, entry: Entry | None = None, **kwargs) -> None:
    # A failure is logged by send_robust; the submit stands and `giaithuong find_duplicates`
    # indexes the entry later.
    flag_duplicates(entry_id, entry)


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
