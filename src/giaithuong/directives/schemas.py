"""API shapes of letters, deliveries, activity reports and coverage (the cascade API).

Input schemas check types and sizes only; the rules of letters (who may issue, what state allows
what) stay in `directives.letters`, so the pages and the API refuse the same things.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from ninja import Field, Schema
from pydantic import HttpUrl, field_validator

from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    EDXML_STATUS,
    ActivityKind,
    DeliveryState,
    LetterKind,
    LetterSource,
    LetterStatus,
    Relation,
)

# References and refs ---------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str
    code: str


class UserRef(Schema):
    id: int
    username: str
    full_name: str


class Paragraph(Schema):
    """One paragraph of the body: numbered ("1", "a"), bulleted, or plain, at an indent level."""

    text: str = Field(..., min_length=1, max_length=5000)
    number: str | None = Field(None, max_length=10)
    bullet: bool = False
    level: int = Field(0, ge=0, le=4)


class ParagraphOut(Schema):
    text: str
    number: str | None = None
    bullet: bool = False
    level: int = 0


class SignatureSchema(Schema):
    authority: list[str] = Field(default_factory=list, max_length=3,
                                 description='Authority lines, e.g. ["TM. BAN THƯỜNG TRỰC"]')
    title: str = Field("", max_length=200)
    name: str = Field("", max_length=200)


class ReferenceIn(Schema):
    """A letter this one implements or is based on: `target` is a letter in the system (by id);
    without it, the citation stands on its own (number, symbol, date, issuer)."""

    relation: Relation
    target: int | None = None
    kind: str = Field("Công văn", max_length=60)
    number: int | None = Field(None, ge=1)
    symbol: str = Field("", max_length=60)
    date: dt.date | None = None
    issuer_name: str = Field("", max_length=300)
    subject: str = Field("", max_length=500)


class ReferenceOut(Schema):
    relation: str
    target: int | None = Field(None, alias="target_id")
    kind: str
    number: int | None
    symbol: str
    date: dt.date | None
    issuer_name: str
    subject: str


# Letters --------------------------------------------------------------------------------------


def _code(letter) -> str:
    """'31/MTTQ-BTT' (State, Front) or '1390-CV/BTGDVTW' (Party); '' before a number is given."""
    if letter.number is None:
        return ""
    separator = "-" if letter.style == Style.PARTY else "/"
    return f"{letter.number:02d}{separator}{letter.symbol}"


class LetterSummaryOut(Schema):
    id: int
    status: LetterStatus
    issuer: UnitRef | None
    issuer_name: str
    kind: LetterKind
    number: int | None
    symbol: str
    code: str = Field(description="Number and symbol as written: 31/MTTQ-BTT, 1390-CV/BTGDVTW")
    date: dt.date | None
    subject: str
    due_date: dt.date | None
    cascade_root: int | None = Field(None, alias="cascade_root_id")
    implements: int | None = Field(None, alias="implements_id")
    issued_at: dt.datetime | None

    @staticmethod
    def resolve_code(letter) -> str:
        return _code(letter)


class LetterOut(LetterSummaryOut):
    source: LetterSource
    style: Style
    header_name: str
    header_parent: str
    series: str
    place: str
    addressee_units: list[UnitRef]
    addressee_texts: list[str]
    address_subtree: bool
    body: list[ParagraphOut]
    recipients: list[str]
    signature: SignatureSchema
    footnotes: list[str]
    references: list[ReferenceOut]
    attach_trailer_qr: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_addressee_units(letter) -> list:
        return list(letter.addressee_units.all())

    @staticmethod
    def resolve_references(letter) -> list:
        return list(letter.references.all())


class _LetterFields(Schema):
    """Fields a draft may be written with; shared by creating and changing one."""

    subject: str = Field(None, min_length=1, max_length=500, description="Trích yếu, without V/v")
    symbol: str = Field(None, max_length=60, description="MTTQ-BTT; the issuer's code if omitted")
    kind: LetterKind = LetterKind.OFFICIAL_LETTER
    style: Style = Style.STATE
    addressee_units: list[int] = Field(default_factory=list, max_length=5000,
                                       description="Ids of the units the letter is delivered to")
    addressee_texts: list[str] = Field(default_factory=list, max_length=100,
                                       description="Kính gửi lines as written")
    address_subtree: bool = Field(False, description="Also deliver to every unit below them")
    body: list[Paragraph] = Field(default_factory=list, max_length=500)
    recipients: list[str] = Field(default_factory=list, max_length=200,
                                  description="Nơi nhận lines, without the leading dash")
    signature: SignatureSchema | None = None
    references: list[ReferenceIn] = Field(default_factory=list, max_length=50)
    due_date: dt.date | None = Field(None, description="Reports are due by this date")
    attach_trailer_qr: bool = Field(False, description="Attach the edition's trailer QR code")


class LetterCreate(_LetterFields):
    issuer: int = Field(..., description="Id of the issuing unit (one you are an officer of)")
    subject: str = Field(..., min_length=1, max_length=500, description="Trích yếu, without V/v")


class LetterPatch(_LetterFields):
    """Only the fields sent are changed; `references` and `addressee_units` are replaced whole."""

    footnotes: list[str] = Field(None, max_length=50)
    header_name: str = Field(None, max_length=300)
    header_parent: str = Field(None, max_length=300)
    place: str = Field(None, max_length=100)

    NULLABLE: ClassVar[frozenset[str]] = frozenset({"signature", "due_date"})

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value, info):
        # Sending null for a text or list would blank it by accident: say so at the field.
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("may not be null")
        return value


class IssueIn(Schema):
    number: int | None = Field(None, ge=1, description="Force this number (register kept on "
                                                        "paper); the next free one if omitted")
    date: dt.date | None = Field(None, description="The letter's date; today if omitted")


# Deliveries ----------------------------------------------------------------------------------


class DeliveryStateOut(Schema):
    """How far one addressee has got with a letter."""

    id: int
    unit: UnitRef
    state: DeliveryState
    edxml_status: str = Field(description="The state as an edXML status code (01-06)")
    received_at: dt.datetime
    acknowledged_at: dt.datetime | None
    assigned_at: dt.datetime | None
    started_at: dt.datetime | None
    done_at: dt.datetime | None
    refused_at: dt.datetime | None
    refusal_reason: str
    assignee: UserRef | None
    due_date: dt.date | None
    last_reminded_at: dt.datetime | None

    @staticmethod
    def resolve_edxml_status(delivery) -> str:
        return EDXML_STATUS[delivery.state]


class DeliveryOut(DeliveryStateOut):
    letter: LetterSummaryOut


class AssignIn(Schema):
    assignee: int = Field(..., description="Id of the person who handles the letter")


class RefuseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class ReportIn(Schema):
    kind: ActivityKind
    date: dt.date = Field(..., description="When the activity took place (not in the future)")
    audience: int = Field(0, ge=0, description="People reached")
    channel: str = Field("", max_length=200)
    description: str = Field("", max_length=10000)
    links: list[HttpUrl] = Field(default_factory=list, max_length=50)
    candidates_introduced: int = Field(0, ge=0)
    entries_submitted: int = Field(0, ge=0)


class ReportOut(Schema):
    id: int
    delivery: int = Field(alias="delivery_id")
    kind: ActivityKind
    date: dt.date
    audience: int
    channel: str
    description: str
    links: list[str]
    candidates_introduced: int
    entries_submitted: int
    reported_by: UserRef | None
    created_at: dt.datetime


# Coverage ------------------------------------------------------------------------------------


class LevelOut(Schema):
    depth: int = Field(description="Depth in the unit tree (0 = a top unit); -1 for totals")
    units: int
    received: int
    acknowledged: int
    issued: int
    reported: int
    audience: int


class OverdueOut(Schema):
    unit: int
    name: str
    due_date: dt.date | None
    acknowledged_at: dt.datetime | None


class CoverageOut(Schema):
    cascade_root: int
    unit: UnitRef
    levels: list[LevelOut]
    totals: LevelOut
    overdue: list[OverdueOut]
