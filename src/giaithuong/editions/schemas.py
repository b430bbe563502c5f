"""API shapes of an edition."""

import datetime as dt

from ninja import Schema


class Text(Schema):
    vi: str
    en: str


class CategoryOut(Schema):
    code: str
    number: int
    name: Text
    summary: Text
    languages: str
    subtypes: list[Text]
    max_series_parts: int | None
    max_duration_minutes: int | None
    max_pages: int | None
    max_photos: int | None
    file_kinds: list[str]
    max_file_mb: int


class CriterionOut(Schema):
    code: str
    name: Text
    weight: int


class PrizeTierOut(Schema):
    code: str
    name: Text
    per_category: int | None
    overall: int
    amount_vnd: int | None


class MilestoneOut(Schema):
    code: str
    label: Text
    date: dt.date
    end_date: dt.date | None
    tentative: bool


class WindowOut(Schema):
    start: dt.date
    end: dt.date
    straddle_min_share: str


class EditionOut(Schema):
    award: Text
    ordinal: int
    roman: str
    year: int
    title: Text
    website: str
    trailer_url: str
    launch: dt.date
    publication_window: WindowOut
    deadline: dt.datetime
    deadline_extended: dt.datetime | None
    categories: list[CategoryOut]
    criteria: list[CriterionOut]
    prize_tiers: list[PrizeTierOut]
    milestones: list[MilestoneOut]
    rules: dict
