"""From an edition's rules (the validated edition file) to the eligibility engine's `CategoryRules`.

Pure core: no Django. The Django side passes `Edition.rules` (an `EditionSpec` rebuilt from the
stored JSON), so every limit the engine applies is the one in the edition file.
"""

from __future__ import annotations

import datetime as dt

from giaithuong.editions.rules import Category, EditionSpec, time_zone
from giaithuong.entries.eligibility import CategoryRules, Choice
from giaithuong.entries.eligibility_messages import MIB


def _fixed_offset(moment: dt.datetime) -> dt.datetime:
    """The same instant with a plain `datetime.timezone`: the parser's own tzinfo class is slow
    to compare against, and the engine compares every submission with the deadline."""
    return moment.astimezone(dt.timezone(moment.utcoffset() or dt.timedelta(0)))


def category_rules(spec: EditionSpec, category: Category) -> CategoryRules:
    timeline, rules = spec.timeline, spec.rules
    previous = rules.previous_window
    return CategoryRules(
        category_code=category.code,
        name_vi=category.name.vi,
        name_en=category.name.en,
        window_start=timeline.window_start,
        window_end=timeline.window_end,
        deadline=_fixed_offset(timeline.effective_deadline),
        deadline_extended=timeline.deadline_extended is not None,
        tz=time_zone(timeline.timezone),
        postmark_accepted=timeline.postmark_accepted,
        channels=frozenset(rules.channels),
        straddle_min_share=rules.straddle_fraction,
        straddle_measures=rules.straddle_measures,
        previous_window=(previous.start, previous.end) if previous else None,
        languages=category.languages,
        accepted_languages=frozenset(category.accepted_languages),
        subtypes=tuple(Choice(s.code, s.vi, s.en) for s in category.subtypes if s.code),
        max_series_parts=category.max_series_parts,
        max_duration_seconds=(category.max_duration_minutes * 60
                              if category.max_duration_minutes is not None else None),
        max_pages=category.max_pages,
        max_photos=category.max_photos,
        file_kinds=frozenset(category.file_kinds),
        # "200 MB" on the rules page is read the generous way, in binary megabytes.
        max_file_bytes=category.max_file_mb * MIB,
        vietnamese_summary=rules.vietnamese_summary,
        full_translation_required=rules.full_translation_required,
        max_entries_per_author=rules.max_entries_per_author,
        entry_limit_counts=rules.entry_limit_counts,
        max_team_size=rules.max_team_size,
        exclude_jurors=rules.exclude_jurors,
        exclude_organisers=rules.exclude_organisers,
        entrant_forms=frozenset(rules.entrant_forms),
        copyright_attestation=rules.copyright_attestation,
        prior_award_declaration=rules.prior_award_declaration,
    )


def rules_by_category(spec: EditionSpec) -> dict[str, CategoryRules]:
    """The rules of every category of the edition, by category code."""
    return {category.code: category_rules(spec, category) for category in spec.categories}
