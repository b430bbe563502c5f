"""API for reading existing letters in, at /api/v1/imports.

`POST /imports/parse` reads a letter (a multipart `file`, or JSON `{"text": …}`) and answers with
every field, its confidence, the reader's problems and how each reference would resolve; it
writes nothing. `POST /imports` saves the reviewed fields (the shape `parse` returns under
`review`) and answers with the letter's id; sending the same letter again returns the same id
with `outcome: "present"` and changes nothing. Same services as the import page.
"""

import base64
import binascii
import datetime as dt
import json
from typing import Literal

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.directives.api.errors import nfc_deep, service_errors, units_by_id
from giaithuong.directives.import_fields import ImportFields, ImportReference, fields_from_parsed
from giaithuong.directives.import_files import (
    MAX_BYTES,
    ReadError,
    ReadLetter,
    read_letter_file,
    read_pasted_text,
)
from giaithuong.directives.importing import (
    Outcome,
    find_present,
    import_fields,
    letter_by_source,
    may_import,
    preview_references,
    suggested_issuer,
)
from giaithuong.directives.models import LetterKind, LetterSource
from giaithuong.directives.parser import MAX_CHARS
from giaithuong.directives.schemas import Paragraph
from giaithuong.editions.selectors import current_edition

router = Router(tags=["imports"])

IMPORTERS = roles(Role.ORGANISER, Role.UNIT_OFFICER)
_STATUS = {"too_large": 413, "wrong_type": 415}


# Shapes ----------------------------------------------------------------------------------------

class ReferenceIn(Schema):
    relation: Literal["implements", "based_on", "according_to"]
    kind: str = Field("Công văn", max_length=60)
    number: int | None = Field(None, ge=1, le=999_999)
    symbol: str = Field("", max_length=60)
    date: dt.date | None = None
    issuer: str = Field("", max_length=300)
    subject: str = Field("", max_length=500)


class ReferencePreviewOut(ReferenceIn):
    resolution: Literal["existing", "placeholder", "new_placeholder", "unlinked"]
    target: int | None = Field(None, description="The letter it resolves to, if any")


class SourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=255)
    content_base64: str = Field(..., description="The file (.txt, .docx or .pdf), base64")


class ImportIn(Schema):
    """A letter read in, as reviewed. Give the source (`source_text` or `source_file`) to keep
    it beside the letter; the body and footnotes are then read from it unless given."""

    style: Literal["state", "party"] = "state"
    kind: LetterKind = LetterKind.OFFICIAL_LETTER
    number: int | None = Field(None, ge=1, le=999_999)
    symbol: str = Field("", max_length=60)
    header_parent: str = Field("", max_length=200, description="The parent line of the header")
    header_name: str = Field("", max_length=200, description="The issuer line of the header")
    issuer_name: str = Field("", max_length=300, description="The issuer's full name")
    issuer_unit: int | None = Field(None, description="The issuing unit, if it is here")
    match_issuer: bool = Field(True, description="Without issuer_unit: link the unit the "
                                                 "header names, when exactly one matches")
    place: str = Field("", max_length=100)
    date: dt.date | None = None
    year: int | None = Field(None, ge=1900, le=2199, description="For a draft without a day")
    subject: str = Field("", max_length=500)
    addressees: list[str] = Field(default_factory=list, max_length=200)
    references: list[ReferenceIn] = Field(default_factory=list, max_length=30)
    body: list[Paragraph] | None = Field(None, max_length=2000)
    recipients: list[str] = Field(default_factory=list, max_length=200)
    signature_authority: list[str] = Field(default_factory=list, max_length=3)
    signer_title: str = Field("", max_length=200)
    signer_name: str = Field("", max_length=200)
    footnotes: list[str] | None = Field(None, max_length=50)
    confidence: dict[str, float] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list, max_length=100)
    source_text: str | None = Field(None, max_length=MAX_CHARS)
    source_file: SourceIn | None = None


class SourceOut(Schema):
    name: str
    sha256: str
    size: int
    content_type: str


class ParsedOut(Schema):
    fields: dict = Field(..., description="What was read, one key per field (the parse_letter "
                                          "command's JSON)")
    confidence: dict[str, float]
    problems: list[str]
    review: ImportIn = Field(..., description="The fields to review and send to POST /imports")
    references: list[ReferencePreviewOut]
    issuer_unit: int | None = Field(None, description="The unit the header names, if one")
    present: int | None = Field(None, description="The letter already in the system, if any")
    source: SourceOut


class ReadErrorOut(Schema):
    detail: str
    code: str


class ImportOut(Schema):
    id: int
    outcome: Literal["created", "filled", "present"]
    url: str
    number: int | None
    symbol: str
    date: dt.date | None
    issuer: int | None
    issuer_name: str
    implements: int | None
    cascade_root: int | None
    references: list[ReferencePreviewOut]


# Helpers ---------------------------------------------------------------------------------------

def _read_error(error: ReadError):
    return Status(_STATUS.get(error.code, 400), {"detail": str(error), "code": error.code})


def _review_of(fields: ImportFields, unit, read: ReadLetter) -> dict:
    signature = fields.signature or {}
    return {
        "style": fields.style, "kind": fields.kind, "number": fields.number,
        "symbol": fields.symbol, "header_parent": fields.header_parent,
        "header_name": fields.header_name, "issuer_name": fields.issuer_name,
        "issuer_unit": unit.pk if unit else None, "place": fields.place, "date": fields.date,
        "year": fields.written_year, "subject": fields.subject,
        "addressees": fields.addressees, "references": _references_out(fields.references),
        "body": fields.body, "recipients": fields.recipients,
        "signature_authority": signature.get("authority") or [],
        "signer_title": signature.get("title", ""), "signer_name": signature.get("name", ""),
        "footnotes": fields.footnotes, "confidence": read.parsed.confidences(),
        "problems": read.parsed.problems,
    }


def _references_out(references: list[ImportReference]) -> list[dict]:
    return [{"relation": p.reference.relation, "kind": p.reference.kind,
             "number": p.reference.number, "symbol": p.reference.symbol,
             "date": p.reference.date, "issuer": p.reference.issuer,
             "subject": p.reference.subject, "resolution": p.outcome,
             "target": p.target.pk if p.target else None}
            for p in preview_references(references)]


def _stored_references(letter) -> list[dict]:
    rows = []
    for ref in letter.references.select_related("target"):
        resolution = ("unlinked" if ref.target is None else "placeholder"
                      if ref.target.source == LetterSource.CITED else "existing")
        rows.append({"relation": ref.relation, "kind": ref.kind, "number": ref.number,
                     "symbol": ref.symbol, "date": ref.date, "issuer": ref.issuer_name,
                     "subject": ref.subject, "resolution": resolution,
                     "target": ref.target_id})
    return rows


def _source_of(payload: ImportIn) -> ReadLetter | None:
    if payload.source_text is not None and payload.source_file is not None:
        raise HttpError(400, _("Give source_text or source_file, not both."))
    if payload.source_text is not None:
        return read_pasted_text(payload.source_text)
    if payload.source_file is not None:
        try:
            data = base64.b64decode(payload.source_file.content_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise HttpError(400, _("source_file.content_base64 is not valid base64.")) from error
        return read_letter_file(payload.source_file.name, data)
    return None


def _letter_url(letter) -> str:
    try:
        return reverse("directives:letter_detail", kwargs={"letter_id": letter.pk})
    except NoReverseMatch:
        return ""


def _check_importer(request) -> None:
    if not may_import(request.user):
        raise HttpError(403, _("Only organisers and unit officers can import letters."))


# Operations ------------------------------------------------------------------------------------

_PARSE_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": f".txt, .docx or .pdf, at most {MAX_BYTES // 1024 // 1024} MB"}}}},
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "maxLength": MAX_CHARS}}}},
}}}


@router.post("/parse", response={200: ParsedOut, 400: ReadErrorOut, 413: ReadErrorOut,
                                 415: ReadErrorOut},
             summary="Read a letter and say what would be imported (writes nothing)",
             openapi_extra=_PARSE_BODY)
@api_access(IMPORTERS)
def parse_letter(request):
    _check_importer(request)
    try:
        if request.content_type == "multipart/form-data":
            upload = request.FILES.get("file")
            if upload is None:
                raise ReadError("empty", "Send the letter as the multipart field 'file'.")
            if upload.size > MAX_BYTES:  # refused before it is read into memory
                raise ReadError("too_large", f"The file is {upload.size / 1024 / 1024:.1f} MB; "
                                             f"at most {MAX_BYTES // 1024 // 1024} MB is "
                                             "accepted.")
            read = read_letter_file(upload.name, upload.read())
        else:
            try:
                text = json.loads(request.body or b"{}").get("text")
            except (ValueError, AttributeError) as error:
                raise HttpError(400, "Send JSON {\"text\": …} or a multipart 'file'.") \
                    from error
            if not isinstance(text, str) or not text.strip():
                raise ReadError("empty", "Send the letter's text as {\"text\": …}, or a file.")
            if len(text) > MAX_CHARS:
                raise ReadError("too_large", f"The text is longer than {MAX_CHARS} characters.")
            read = read_pasted_text(text)
    except ReadError as error:
        return _read_error(error)
    fields = fields_from_parsed(read.parsed)
    unit = suggested_issuer(fields, request.user)
    present = letter_by_source(read.source.sha256) or find_present(fields, unit)
    return {
        "fields": read.parsed.to_json(), "confidence": read.parsed.confidences(),
        "problems": read.parsed.problems, "review": _review_of(fields, unit, read),
        "references": _references_out(fields.references),
        "issuer_unit": unit.pk if unit else None, "present": present.pk if present else None,
        "source": {"name": read.source.safe_name, "sha256": read.source.sha256,
                   "size": len(read.source.data), "content_type": read.source.content_type},
    }


@router.post("", response={200: ImportOut, 201: ImportOut, 400: ReadErrorOut,
                           413: ReadErrorOut, 415: ReadErrorOut},
             summary="Save a reviewed letter (idempotent: the same letter returns its id)")
@api_access(IMPORTERS)
def create_import(request, payload: ImportIn):
    _check_importer(request)
    data = nfc_deep(payload.model_dump())
    try:
        read = _source_of(payload)
    except ReadError as error:
        return _read_error(error)
    unit = units_by_id([payload.issuer_unit], "issuer_unit")[0] if payload.issuer_unit else None
    from_source = fields_from_parsed(read.parsed) if read else ImportFields()
    body = from_source.body if data["body"] is None else data["body"]
    footnotes = from_source.footnotes if data["footnotes"] is None else data["footnotes"]
    date = data["date"]
    fields = ImportFields(
        style=data["style"], kind=data["kind"], header_name=data["header_name"],
        header_parent=data["header_parent"], issuer_name=data["issuer_name"],
        number=data["number"], symbol=data["symbol"], place=data["place"], date=date,
        year=date.year if date else data["year"], subject=data["subject"],
        addressees=data["addressees"],
        references=[ImportReference(**ref) for ref in data["references"]],
        body=body, recipients=data["recipients"],
        signature={"authority": data["signature_authority"], "title": data["signer_title"],
                   "name": data["signer_name"]},
        footnotes=footnotes)
    with service_errors():
        letter = import_fields(
            fields, actor=request.user, issuer_unit=unit, match_issuer=data["match_issuer"],
            confidence=data["confidence"], problems=data["problems"],
            source_file=read.source if read else None, edition=current_edition())
    outcome = letter.import_outcome
    return Status(200 if outcome == Outcome.PRESENT else 201, {
        "id": letter.pk, "outcome": str(outcome), "url": _letter_url(letter),
        "number": letter.number, "symbol": letter.symbol, "date": letter.date,
        "issuer": letter.issuer_id, "issuer_name": letter.issuer_name,
        "implements": letter.implements_id, "cascade_root": letter.cascade_root_id,
        "references": _stored_references(letter)})
