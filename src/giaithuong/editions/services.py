"""State changes of editions: loading an edition file, choosing the edition the site shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from giaithuong.common import audit
from giaithuong.common.text import nfc
from giaithuong.editions.models import (
    Award,
    Category,
    Criterion,
    Edition,
    Milestone,
    PrizeTier,
)
from giaithuong.editions.rules import EditionSpec, parse_edition
from giaithuong.editions.selectors import forget_current_edition_key


@dataclass(frozen=True)
class LoadResult:
    edition: Edition
    created: bool
    changed: bool


def load_edition_file(path: str | Path, *, actor=None, make_current: bool = True) -> LoadResult:
    path = Path(path)
    return load_edition_text(path.read_text(encoding="utf-8"), source_name=path.name,
                             actor=actor, make_current=make_current)


def load_edition_text(text: str, *, source_name: str, actor=None,
                      make_current: bool = True) -> LoadResult:
    """Validate an edition file and create or update the edition in place, all or nothing.

    Raises `EditionFileInvalid` (naming lines and fields) before anything is written.
    """
    text = nfc(text)
    spec = parse_edition(text)
    checksum = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        award, _ = Award.objects.update_or_create(
            slug=spec.award.slug,
            defaults={
                "name_vi": spec.award.name.vi, "name_en": spec.award.name.en,
                "short_name_vi": spec.award.short_name.vi,
                "short_name_en": spec.award.short_name.en,
                "website": str(spec.award.website), "first_year": spec.award.first_year,
            },
        )
        edition = (Edition.objects.select_for_update()
                   .filter(award=award, ordinal=spec.edition.ordinal).first())
        created = edition is None
        before = None if created else {"sha256": edition.source_sha256,
                                       "revision": edition.revision}
        changed = created or edition.source_sha256 != checksum
        if created:
            edition = Edition(award=award, ordinal=spec.edition.ordinal, revision=1)
        elif changed:
            edition.revision += 1
        _copy_edition_fields(edition, spec, source_name, checksum)
        edition.save()
        _sync_children(edition, spec)
        if make_current and not edition.is_current:
            set_current_edition(edition, actor=actor)
            edition.refresh_from_db()
        if changed:
            transaction.on_commit(forget_current_edition_key)
            audit.record("edition.loaded", actor=actor, target=edition, before=before,
                         after={"sha256": checksum, "revision": edition.revision,
                                "source": source_name,
                                "categories": [c.code for c in spec.categories]})
    return LoadResult(edition=edition, created=created, changed=changed)


def _copy_edition_fields(edition: Edition, spec: EditionSpec, source_name: str,
                         checksum: str) -> None:
    edition.year = spec.edition.year
    edition.title_vi = spec.edition.title.vi
    edition.title_en = spec.edition.title.en
    edition.trailer_url = str(spec.edition.trailer_url)
    edition.window_start = spec.timeline.window_start
    edition.window_end = spec.timeline.window_end
    edition.launch_date = spec.timeline.launch
    edition.deadline = spec.timeline.deadline
    edition.deadline_extended = spec.timeline.deadline_extended
    edition.spec = spec.model_dump(mode="json")
    edition.source_name = source_name
    edition.source_sha256 = checksum
    edition._rules = spec


def _sync(model, edition: Edition, rows: dict[str, dict]) -> None:
    """Update rows by code, create new ones, remove those the file no longer lists."""
    existing = {obj.code: obj for obj in model.objects.filter(edition=edition)}
    for code, values in rows.items():
        obj = existing.pop(code, None) or model(edition=edition, code=code)
        for field, value in values.items():
            setattr(obj, field, value)
        obj.save()
    for obj in existing.values():
        if model is Category:
            # Entries will point at categories: close a dropped one rather than delete it.
            obj.is_active = False
            obj.save(update_fields=["is_active"])
        else:
            obj.delete()


def _sync_children(edition: Edition, spec: EditionSpec) -> None:
    _sync(Category, edition, {
        c.code: {"number": c.number, "name_vi": c.name.vi, "name_en": c.name.en,
                 "summary_vi": c.summary.vi, "summary_en": c.summary.en, "is_active": True}
        for c in spec.categories
    })
    _sync(Criterion, edition, {
        c.code: {"name_vi": c.name.vi, "name_en": c.name.en, "weight": c.weight,
                 "description_vi": c.description.vi, "description_en": c.description.en,
                 "position": index}
        for index, c in enumerate(spec.criteria)
    })
    tiers = {"dac-biet": {"name_vi": spec.prizes.special.vi, "name_en": spec.prizes.special.en,
                          "per_category": None, "overall": spec.prizes.special_count,
                          "amount_vnd": spec.prizes.special_amount_vnd, "position": 0}}
    for index, tier in enumerate(spec.prizes.tiers, start=1):
        tiers[tier.code] = {"name_vi": tier.name.vi, "name_en": tier.name.en,
                            "per_category": tier.per_category, "overall": 0,
                            "amount_vnd": tier.amount_vnd, "position": index}
    _sync(PrizeTier, edition, tiers)
    _sync(Milestone, edition, {
        m.code: {"label_vi": m.label.vi, "label_en": m.label.en, "date": m.date,
                 "end_date": m.end_date, "tentative": m.tentative}
        for m in spec.timeline.milestones
    })


def set_current_edition(edition: Edition, *, actor=None) -> None:
    """Make `edition` the one the public site shows."""
    with transaction.atomic():
        previous = Edition.objects.select_for_update().filter(is_current=True).first()
        if previous == edition:
            return
        if previous is not None:
            Edition.objects.filter(pk=previous.pk).update(is_current=False)
        Edition.objects.filter(pk=edition.pk).update(is_current=True)
        transaction.on_commit(forget_current_edition_key)
        audit.record("edition.made_current", actor=actor, target=edition,
                     before={"current": previous.pk if previous else None},
                     after={"current": edition.pk})
