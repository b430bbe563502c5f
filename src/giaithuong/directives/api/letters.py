"""API for letters (công văn), at /api/v1/letters: drafting, issuing, rendering, who has got how
far, and the cascade's coverage. Every call goes through the services and selectors the pages use,
so a unit officer sees and does here exactly what the pages let them."""

from django.db import IntegrityError
from django.db.models import F, Q
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.common.text import nfc
from giaithuong.directives import letters as services
from giaithuong.directives.api.errors import nfc_deep, not_found, service_errors, units_by_id
from giaithuong.directives.models import DeliveryState, Letter, LetterStatus
from giaithuong.directives.rendering import file_stem, letter_docx, letter_pdf
from giaithuong.directives.schemas import (
    CoverageOut,
    DeliveryStateOut,
    IssueIn,
    LetterCreate,
    LetterOut,
    LetterPatch,
    LetterSummaryOut,
)
from giaithuong.directives.selectors import coverage, own_units, visible_letters, visible_units
from giaithuong.editions.selectors import current_edition

router = Router(tags=["letters"])

OFFICERS = roles(Role.ORGANISER, Role.UNIT_OFFICER)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _binary(content_type: str) -> dict:
    return {"responses": {200: {"description": "The letter as a file", "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


# Loading what the person may see ---------------------------------------------------------------

def _letter(request, letter_id: int) -> Letter:
    letter = (visible_letters(request.user).select_related("issuer")
              .prefetch_related("addressee_units", "references").filter(pk=letter_id).first())
    if letter is None:
        raise not_found("letter")
    return letter


def _references(request, items: list[dict]) -> list[dict]:
    """Reference rows for the service. A `target` must be a letter the person can see; its
    number, symbol, date, issuer and subject fill whatever the citation leaves blank."""
    wanted = {item["target"] for item in items if item.get("target") is not None}
    targets = visible_letters(request.user).in_bulk(wanted)
    unknown = sorted(wanted - set(targets))
    if unknown:
        raise HttpError(400, "Unknown letter id in references: "
                             f"{', '.join(map(str, unknown))}.")
    rows = []
    for item in items:
        row = dict(item)
        target = targets.get(row["target"]) if row.get("target") is not None else None
        row["target"] = target
        if target is not None:
            for name in ("number", "symbol", "date", "issuer_name", "subject"):
                if not row.get(name):
                    row[name] = getattr(target, name)
        rows.append(row)
    return rows


def _written(request, fields: dict) -> tuple[dict, list | None, list | None]:
    """Split a payload into plain fields, addressed units and references, in service shapes."""
    fields = nfc_deep(fields)
    units = fields.pop("addressee_units", None)
    references = fields.pop("references", None)
    if "signature" in fields and fields["signature"] is None:
        fields["signature"] = {}
    if units is not None:
        units = units_by_id(units, "addressee_units")
    if references is not None:
        references = _references(request, references)
    return fields, units, references


# Letters ------------------------------------------------------------------------------------

@router.get("", response=list[LetterSummaryOut], summary="Letters you may see")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
@api_access(OFFICERS)
def list_letters(request, status: LetterStatus | None = None, issuer: int | None = None,
                 root: int | None = Query(None, description="Id of a cascade's top letter"),
                 q: str | None = Query(None, max_length=200,
                                       description="Words in the subject or the symbol")):
    """Drafts first, then by date and id, newest first: the order never changes between pages."""
    letters = visible_letters(request.user).select_related("issuer")
    if status is not None:
        letters = letters.filter(status=status)
    if issuer is not None:
        letters = letters.filter(issuer_id=issuer)
    if root is not None:
        letters = letters.filter(cascade_root_id=root)
    if q and q.strip():
        text = nfc(q).strip()
        letters = letters.filter(Q(subject__icontains=text) | Q(symbol__icontains=text))
    return letters.order_by(F("date").desc(nulls_first=True), "-id")


@router.post("", response={201: LetterOut}, summary="Write a draft letter")
@api_access(OFFICERS)
def create_letter(request, payload: LetterCreate):
    (issuer,) = units_by_id([payload.issuer], "issuer")
    fields, units, references = _written(request, payload.model_dump(exclude={"issuer"}))
    fields["symbol"] = fields.get("symbol") or issuer.code
    with service_errors():
        letter = services.create_draft(
            actor=request.user, issuer=issuer, addressee_units=units or (),
            references=references or (), edition=current_edition(), **fields)
    return Status(201, _letter(request, letter.pk))


@router.get("/{letter_id}", response=LetterOut, summary="One letter")
@api_access(OFFICERS)
def get_letter(request, letter_id: int):
    return _letter(request, letter_id)


@router.patch("/{letter_id}", response=LetterOut, summary="Change a draft")
@api_access(OFFICERS)
def update_letter(request, letter_id: int, payload: LetterPatch):
    letter = _letter(request, letter_id)
    fields, units, references = _written(request, payload.model_dump(exclude_unset=True))
    with service_errors():
        services.update_draft(letter, actor=request.user, addressee_units=units,
                              references=references, **fields)
    return _letter(request, letter_id)


@router.delete("/{letter_id}", response={204: None}, summary="Discard a draft")
@api_access(OFFICERS)
def discard_letter(request, letter_id: int):
    letter = _letter(request, letter_id)
    with service_errors():
        services.discard_draft(letter, actor=request.user)
    return Status(204, None)


@router.post("/{letter_id}/issue", response=LetterOut, summary="Number, date and send a draft")
@api_access(OFFICERS)
def issue_letter(request, letter_id: int, payload: IssueIn | None = None):
    """Takes the next number of the issuer's series (or `number`, if still free) and delivers
    the letter to every addressed unit. Issuing again is refused (409): never a second number."""
    letter = _letter(request, letter_id)
    payload = payload or IssueIn()
    with service_errors():
        try:
            services.issue_letter(letter, actor=request.user, on=payload.date,
                                  number=payload.number)
        except IntegrityError as error:  # a concurrent issue took the forced number first
            raise services.LetterConflict(
                f"Number {payload.number} was taken while this letter was being issued.") \
                from error
    return _letter(request, letter_id)


@router.get("/{letter_id}/pdf", summary="The letter as PDF", openapi_extra=_binary(PDF))
@api_access(OFFICERS)
def letter_as_pdf(request, letter_id: int):
    letter = _letter(request, letter_id)
    return _file(letter_pdf(letter), PDF, f"{file_stem(letter)}.pdf")


@router.get("/{letter_id}/docx", summary="The letter as DOCX", openapi_extra=_binary(DOCX))
@api_access(OFFICERS)
def letter_as_docx(request, letter_id: int):
    letter = _letter(request, letter_id)
    return _file(letter_docx(letter), DOCX, f"{file_stem(letter)}.docx")


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Progress of a letter -----------------------------------------------------------------------

def _issuer_side(request, letter: Letter) -> None:
    """Who has got how far is for the issuer's officers and those of the units above it."""
    if letter.issuer_id is None or not visible_units(request.user).filter(
            pk=letter.issuer_id).exists():
        raise HttpError(403, "Only the issuing unit follows who has received this letter.")


@router.get("/{letter_id}/deliveries", response=list[DeliveryStateOut],
            summary="Each addressee's state and timestamps")
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
@api_access(OFFICERS)
def letter_deliveries(request, letter_id: int, state: DeliveryState | None = None):
    letter = _letter(request, letter_id)
    _issuer_side(request, letter)
    deliveries = letter.deliveries.select_related("unit", "assignee")
    if state is not None:
        deliveries = deliveries.filter(state=state)
    return deliveries.order_by("unit__path", "id")


@router.get("/{letter_id}/coverage", response=CoverageOut,
            summary="How far the letter's cascade has reached below a unit")
@api_access(OFFICERS)
def letter_coverage(request, letter_id: int, unit: int | None = Query(
        None, description="Id of a unit you may see; the issuer, or your own top unit, if "
                          "omitted")):
    letter = _letter(request, letter_id)
    units = visible_units(request.user)
    if unit is not None:
        chosen = units.filter(pk=unit).first()
        if chosen is None:
            raise not_found("unit")
    else:
        chosen = (units.filter(pk=letter.issuer_id).first()
                  or own_units(request.user).order_by("depth", "path").first())
        if chosen is None:
            raise HttpError(400, "Name a unit with ?unit=.")
    result = coverage(chosen, letter.cascade_root or letter)
    return {
        "cascade_root": result.root.pk,
        "unit": chosen,
        "levels": result.levels,
        "totals": result.totals,
        "overdue": [{"unit": row["unit_id"], "name": row["unit__name"],
                     "due_date": row["due_date"], "acknowledged_at": row["acknowledged_at"]}
                    for row in result.overdue],
    }
