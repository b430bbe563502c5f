"""API for the organisation tree, at /api/v1/units: the units a person may see, one unit and its
children, new units and changes, residential groups in bulk, and spreadsheet import and export.
The same services and selectors as the unit pages, so the rights are the same: organisers
everywhere, a unit officer in the subtree of their units; a unit nobody let you see is a 404."""

from typing import Literal

from django.http import HttpResponse, StreamingHttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.directives import services, unit_selectors
from giaithuong.directives.models import OrganisationUnit, UnitKind
from giaithuong.directives.selectors import visible_units
from giaithuong.directives.unit_import import import_units
from giaithuong.directives.unit_io import MAX_BYTES, csv_chunks, write_xlsx
from giaithuong.directives.unit_table import COLUMNS

router = Router(tags=["units"])

TREE_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal[tuple(kind.value for kind in UnitKind)]  # type: ignore[valid-type]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    code: str
    parent: int | None = Field(None, validation_alias="parent_id")
    seat: str
    admin_code: str
    email: str
    phone: str
    header_name: str
    header_parent: str
    is_active: bool
    depth: int
    children_count: int = 0


class UnitFields(Schema):
    """The fields a person may set; omitted fields keep their value (PATCH) or default."""

    name: str | None = Field(None, max_length=300)
    short_name: str | None = Field(None, max_length=100)
    kind: Kind | None = None
    code: str | None = Field(None, max_length=40)
    seat: str | None = Field(None, max_length=100)
    admin_code: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    header_name: str | None = Field(None, max_length=200)
    header_parent: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class UnitCreate(UnitFields):
    name: str = Field(..., min_length=1, max_length=300)
    kind: Kind
    parent: int | None = Field(None, description="The unit to add under; empty for a top "
                                                 "unit (organisers only).")


class UnitFilters(Schema):
    parent: int | None = None
    kind: Kind | None = None
    q: str | None = Field(None, max_length=100,
                          description="Part of the name; diacritics and case are ignored.")


class GroupsIn(Schema):
    names: list[str] | None = Field(None, max_length=services.MAX_GROUPS)
    count: int | None = Field(None, ge=1, le=services.MAX_GROUPS)
    pattern: str = Field(services.DEFAULT_GROUP_PATTERN, max_length=250)
    start: int = Field(1, ge=1, le=100_000)


class GroupsOut(Schema):
    created: list[UnitOut]
    existing: list[str]


class RowErrorOut(Schema):
    row: int
    column: str
    code: str
    message_vi: str
    message_en: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class ImportErrorsOut(Schema):
    detail: str
    errors: list[RowErrorOut]


def _unit(request, unit_id: int) -> OrganisationUnit:
    unit = visible_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(404, "No such unit, or it is not yours to see.")
    return unit


def _call(function, *args, **kwargs):
    """A service call, its refusals as HTTP answers: 403 for rights, 400 for rules."""
    try:
        return function(*args, **kwargs)
    except PermissionError as error:
        raise HttpError(403, str(error)) from error
    except services.UnitError as error:
        prefix = f"{error.field}: " if error.field else ""
        raise HttpError(400, f"{prefix}{error}") from error


def _fields(payload: UnitFields) -> dict:
    return {name: value for name, value in payload.dict(exclude_unset=True).items()
            if name in services.EDITABLE and value is not None}


def _counted(units):
    return unit_selectors.with_children_counts(list(units))


@router.get("", response=list[UnitOut], summary="Units you may see")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
@api_access(TREE_PEOPLE)
def list_units(request, filters: Query[UnitFilters]):
    return unit_selectors.search_units(request.user, filters.q or "", kind=filters.kind or "",
                                       parent=filters.parent)


@router.post("", response={201: UnitOut}, summary="Add a unit")
@api_access(TREE_PEOPLE)
def create_unit(request, payload: UnitCreate):
    parent = _unit(request, payload.parent) if payload.parent is not None else None
    unit = _call(services.create_unit, actor=request.user, parent=parent, **_fields(payload))
    return Status(201, _counted([unit])[0])


@router.post("/import", response={200: ImportOut, 400: ImportErrorsOut},
             summary="Import units from a CSV or xlsx file",
             description="Every row is checked first; if any is wrong nothing is written and "
                         "every problem comes back with its row number and column.")
@api_access(TREE_PEOPLE)
def import_file(request, file: File[UploadedFile]):
    if file.size > MAX_BYTES:
        raise HttpError(400, "The file is larger than 5 MB.")
    result = import_units(file.read(), file.name or "", actor=request.user)
    if result.file_error is not None:
        return Status(400, {"detail": result.file_error.message_en, "errors": []})
    if result.errors:
        return Status(400, {"detail": "The file has errors; nothing was written.",
                            "errors": [error.as_dict() for error in result.errors]})
    return {"created": result.created, "updated": result.updated,
            "unchanged": result.unchanged}


@router.get("/{unit_id}", response=UnitOut, summary="One unit")
@api_access(TREE_PEOPLE)
def get_unit(request, unit_id: int):
    return _counted([_unit(request, unit_id)])[0]


@router.patch("/{unit_id}", response=UnitOut, summary="Change a unit")
@api_access(TREE_PEOPLE)
def patch_unit(request, unit_id: int, payload: UnitFields):
    unit = _unit(request, unit_id)
    unit = _call(services.update_unit, unit, actor=request.user, **_fields(payload))
    return _counted([unit])[0]


@router.get("/{unit_id}/children", response=list[UnitOut], summary="The units directly below")
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
@api_access(TREE_PEOPLE)
def list_children(request, unit_id: int):
    return unit_selectors.children_of(_unit(request, unit_id))


@router.post("/{unit_id}/groups", response={201: GroupsOut},
             summary="Add residential groups under a unit",
             description="Either `names`, or `count` names made from `pattern` ({n} is the "
                         "number, from `start`). Names already there are kept, not doubled.")
@api_access(TREE_PEOPLE)
def create_groups(request, unit_id: int, payload: GroupsIn):
    ward = _unit(request, unit_id)
    options = {"names": payload.names} if payload.names is not None else {
        "count": payload.count, "pattern": payload.pattern, "start": payload.start}
    result = _call(services.create_residential_groups, ward, actor=request.user, **options)
    return Status(201, {"created": _counted(result.created), "existing": result.existing})


@router.get("/{unit_id}/export", summary="A unit and everything below it as a spreadsheet",
            openapi_extra={"responses": {200: {"description": "CSV (UTF-8 with BOM) or xlsx",
                                               "content": {
                                                   "text/csv": {"schema": {"type": "string"}},
                                                   XLSX: {"schema": {"type": "string",
                                                                     "format": "binary"}}}}}})
@api_access(TREE_PEOPLE)
def export_unit(request, unit_id: int, format: Literal["csv", "xlsx"] = "xlsx"):
    unit = _unit(request, unit_id)
    rows = unit_selectors.export_rows(unit)
    name = f"don-vi-{unit.pk}.{format}"
    if format == "csv":
        response = StreamingHttpResponse(csv_chunks(COLUMNS, rows),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(COLUMNS, rows, title=unit.short_name or "units"),
                                content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
