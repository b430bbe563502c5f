"""The organisation tree pages: where a person's tree starts and a search, one unit with its
contacts, header lines, children and officers, editing a unit and adding units below it (one by
one, or residential groups in bulk), appointing officers, and spreadsheet import and export.

Thin: forms parse, `directives.services` and `directives.unit_import` change state,
`directives.unit_selectors` reads. A unit the person may not see does not exist for them (404);
what they may change is `unit_access` (else 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from giaithuong.accounts.models import RoleGrant
from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.directives import services, unit_selectors
from giaithuong.directives.forms.units import (
    GroupsForm,
    ImportForm,
    OfficerForm,
    UnitForm,
    UnitSearchForm,
)
from giaithuong.directives.models import OrganisationUnit
from giaithuong.directives.selectors import visible_units
from giaithuong.directives.unit_access import (
    can_add_top_level,
    can_grant_officers,
    can_manage_unit,
)
from giaithuong.directives.unit_import import import_units
from giaithuong.directives.unit_io import csv_chunks, write_xlsx
from giaithuong.directives.unit_table import COLUMNS

TREE_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(request, unit_id: int) -> OrganisationUnit:
    """The unit, if this person may see it; otherwise it does not exist for them."""
    unit = get_object_or_404(visible_units(request.user).select_related("parent"), pk=unit_id)
    return unit


def _managed(request, unit_id: int) -> OrganisationUnit:
    unit = _unit(request, unit_id)
    if not can_manage_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _crumbs(request, unit: OrganisationUnit) -> list[tuple[OrganisationUnit, bool]]:
    """The units above, each with whether this person may open it (an officer sees the names
    above their unit but not those pages)."""
    above = unit_selectors.ancestors(unit)
    visible = set(visible_units(request.user).filter(pk__in=[a.pk for a in above])
                  .values_list("id", flat=True))
    return [(ancestor, ancestor.pk in visible) for ancestor in above]


def _page(request, units, size: int = PAGE_SIZE):
    page = Paginator(units, size).get_page(request.GET.get("page"))
    unit_selectors.with_children_counts(page.object_list)
    return page


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _apply_unit_error(form, error: services.UnitError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@access(TREE_PEOPLE)
def units(request):
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        found = unit_selectors.search_units(request.user, query)
    else:
        found = unit_selectors.start_units(request.user)
    return render(request, "directives/units/list.html", {
        "form": form, "query": query, "page": _page(request, found),
        "may_add_top": can_add_top_level(request.user)})


@access(TREE_PEOPLE)
def unit_detail(request, unit_id: int):
    unit = _unit(request, unit_id)
    return render(request, "directives/units/detail.html", {
        "unit": unit, "ancestors": _crumbs(request, unit),
        "children": _page(request, unit_selectors.children_of(unit)),
        "officers": unit_selectors.unit_officers(unit),
        "may_manage": can_manage_unit(request.user, unit),
        "may_grant": can_grant_officers(request.user, unit),
    })


@access(TREE_PEOPLE)
def unit_edit(request, unit_id: int):
    unit = _managed(request, unit_id)
    form = UnitForm(request.POST or None, initial=UnitForm.initial_for(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(unit, actor=request.user, **form.cleaned_data)
        except services.UnitError as error:
            _apply_unit_error(form, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("directives:unit_detail", unit_id=unit.pk)
    return render(request, "directives/units/form.html", {
        "unit": unit, "form": form, "ancestors": _crumbs(request, unit),
        "title": _("Edit %(name)s") % {"name": unit.name}})


@access(TREE_PEOPLE)
def unit_add_child(request, unit_id: int):
    parent = _managed(request, unit_id)
    form = UnitForm(request.POST or None, seat_optional=True,
                    initial={"kind": parent.kind, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_unit(actor=request.user, parent=parent, **form.cleaned_data)
        except services.UnitError as error:
            _apply_unit_error(form, error)
        else:
            messages.success(request, _("The unit was created."))
            return redirect("directives:unit_detail", unit_id=child.pk)
    return render(request, "directives/units/form.html", {
        "unit": parent, "form": form, "ancestors": _crumbs(request, parent),
        "title": _("New unit under %(name)s") % {"name": parent.name}})


@access(TREE_PEOPLE)
def unit_groups(request, unit_id: int):
    ward = _managed(request, unit_id)
    form = GroupsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["names"]:
                result = services.create_residential_groups(ward, actor=request.user,
                                                            names=data["names"])
            else:
                result = services.create_residential_groups(
                    ward, actor=request.user, count=data["count"], pattern=data["pattern"],
                    start=data["start"] or 1)
        except services.UnitError as error:
            _apply_unit_error(form, error)
        else:
            messages.success(request, ngettext(
                "%(created)d group created, %(kept)d already there.",
                "%(created)d groups created, %(kept)d already there.",
                len(result.created)) % {"created": len(result.created),
                                        "kept": len(result.existing)})
            return redirect("directives:unit_detail", unit_id=ward.pk)
    return render(request, "directives/units/groups.html", {
        "unit": ward, "form": form, "ancestors": _crumbs(request, ward)})


@access(TREE_PEOPLE)
def unit_officers(request, unit_id: int):
    """Everyone who sees the unit sees its officers; appointing is for those above it."""
    unit = _unit(request, unit_id)
    may_grant = can_grant_officers(request.user, unit)
    form = OfficerForm()
    if request.method == "POST":
        if not may_grant:
            raise PermissionDenied
        if request.POST.get("action") == "revoke":
            grant = RoleGrant.objects.filter(pk=_int(request.POST.get("grant")), unit=unit,
                                             role=Role.UNIT_OFFICER).first()
            if grant is not None:  # already revoked (a second click): nothing left to do
                services.revoke_unit_officer(unit, grant.user, actor=request.user)
                messages.success(request, _("%(person)s is no longer an officer of this unit.")
                                 % {"person": grant.user})
            return redirect("directives:unit_officers", unit_id=unit.pk)
        form = OfficerForm(request.POST)
        if form.is_valid():
            services.grant_unit_officer(unit, form.user, actor=request.user)
            messages.success(request, _("%(person)s is now an officer of this unit.")
                             % {"person": form.user})
            return redirect("directives:unit_officers", unit_id=unit.pk)
    return render(request, "directives/units/officers.html", {
        "unit": unit, "form": form, "may_grant": may_grant, "ancestors": _crumbs(request, unit),
        "officers": unit_selectors.unit_officers(unit)})


@access(TREE_PEOPLE)
def units_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_units(upload.read(), upload.name, actor=request.user)
        if result.ok:
            messages.success(request, _(
                "Import done: %(created)d created, %(updated)d updated, %(unchanged)d "
                "unchanged.") % {"created": result.created, "updated": result.updated,
                                 "unchanged": result.unchanged})
            return redirect("directives:units")
        if result.file_error is not None:
            form.add_error("file", result.file_error.message(get_language() or "vi"))
    status = 400 if result is not None and not result.ok else 200
    return render(request, "directives/units/import.html", {
        "form": form, "result": result,
        "columns": COLUMNS}, status=status)


def _export_name(unit: OrganisationUnit, extension: str) -> str:
    return f"don-vi-{unit.pk}.{extension}"


@access(TREE_PEOPLE)
def unit_export_xlsx(request, unit_id: int):
    unit = _unit(request, unit_id)
    data = write_xlsx(COLUMNS, unit_selectors.export_rows(unit), title=unit.short_name or "units")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(unit, "xlsx")}"'
    return response


@access(TREE_PEOPLE)
def unit_export_csv(request, unit_id: int):
    unit = _unit(request, unit_id)
    response = StreamingHttpResponse(csv_chunks(COLUMNS, unit_selectors.export_rows(unit)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(unit, "csv")}"'
    return response
