"""Reading an existing letter into the cascade: hand in a file (or paste its text), review every
field that was read, save.

Thin: `forms.importing` checks and reads the file, `directives.importing` resolves and saves.
Between the two steps the file waits on the server under imports/tmp/<sha256>; the review form
carries only that checksum, and the file is read again from there when the letter is saved, so
nothing the browser sends back can change what is kept as the source.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.directives.forms.importing import (
    ReferenceFormSet,
    ReviewForm,
    UploadForm,
    read_error_message,
    reference_initial,
    reviewed_references,
)
from giaithuong.directives.import_fields import fields_from_parsed
from giaithuong.directives.import_files import ReadError, ReadLetter, read_letter_file
from giaithuong.directives.importing import (
    LetterImportError,
    Outcome,
    find_present,
    import_fields,
    issuer_choices,
    letter_by_source,
    may_import,
    preview_references,
    suggested_issuer,
)
from giaithuong.directives.models import OrganisationUnit
from giaithuong.editions.selectors import current_edition

IMPORTERS = roles(Role.ORGANISER, Role.UNIT_OFFICER)
TMP_DIR = "imports/tmp"
TMP_MAX_AGE = dt.timedelta(days=1)
_SHA = re.compile(r"^[0-9a-f]{64}$")


# The file between the two steps ----------------------------------------------------------------

def _tmp_name(sha: str) -> str:
    return f"{TMP_DIR}/{sha}"


def _stash(read: ReadLetter) -> None:
    _sweep()
    name = _tmp_name(read.source.sha256)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(read.source.data))


def _unstash(sha: str) -> bytes | None:
    if not _SHA.match(sha or "") or not default_storage.exists(_tmp_name(sha)):
        return None
    with default_storage.open(_tmp_name(sha), "rb") as handle:
        return handle.read()


def _drop(sha: str) -> None:
    if _SHA.match(sha or ""):
        default_storage.delete(_tmp_name(sha))


def _sweep() -> None:
    """Files of reviews never finished go after a day."""
    try:
        _, names = default_storage.listdir(TMP_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - TMP_MAX_AGE
    for name in names:
        try:
            if _SHA.match(name) and default_storage.get_modified_time(
                    _tmp_name(name)) < limit:
                default_storage.delete(_tmp_name(name))
        except (FileNotFoundError, NotImplementedError):
            continue


def letter_url(letter) -> str:
    """The letter's page; the import page itself until the letter pages are installed."""
    try:
        return reverse("directives:letter_detail", kwargs={"letter_id": letter.pk})
    except NoReverseMatch:
        return reverse("directives:letter_import")


# Pages -----------------------------------------------------------------------------------------

@access(IMPORTERS)
def letter_import(request):
    if not may_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "save":
        return _save(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            _stash(form.read)
            return _review(request, form.read)
        return _upload_page(request, form, status=400)
    return _upload_page(request, UploadForm())


def _upload_page(request, form, *, status: int = 200):
    return render(request, "directives/importing/upload.html", {"form": form}, status=status)


def _review(request, read: ReadLetter, form=None, formset=None, *, status: int = 200):
    fields = fields_from_parsed(read.parsed)
    sha = read.source.sha256
    suggestion = suggested_issuer(fields, request.user)
    if form is None:
        form = ReviewForm(initial=ReviewForm.initial_from(fields, sha=sha,
                                                          name=read.source.name,
                                                          unit=suggestion),
                          unit_choices=issuer_choices(request.user, fields))
        formset = ReferenceFormSet(initial=reference_initial(fields.references), prefix="refs")
    rows = []
    for index, ref_form in enumerate(formset.forms):
        if ref_form.is_bound:  # as the officer left it
            reference = (ref_form.to_reference() if ref_form.is_valid() and ref_form.has_content
                         else None)
        else:  # as it was read
            reference = fields.references[index] if index < len(fields.references) else None
        preview = preview_references([reference])[0] if reference else None
        rows.append({"form": ref_form, "preview": preview,
                     "url": letter_url(preview.target) if preview and preview.target else ""})
    confidence = read.parsed.confidences()
    present = letter_by_source(sha) or find_present(fields, suggestion)
    context = {
        "form": form, "formset": formset, "rows": rows,
        "notes": form.confidence_notes(confidence),
        "references_confidence": confidence.get("references", 0.0),
        "problems": read.parsed.problems, "body": fields.body, "footnotes": fields.footnotes,
        "source": read.source, "suggestion": suggestion,
        "present": present, "present_url": letter_url(present) if present else "",
    }
    return render(request, "directives/importing/review.html", context, status=status)


def _upload_error(request, message: str):
    """The upload page again, with `message` at the file field."""
    form = UploadForm()
    form.errors  # noqa: B018  (an unbound form takes errors once it has an error dict)
    form.cleaned_data = {}
    form.add_error("file", message)
    return _upload_page(request, form, status=400)


def _gone(request):
    return _upload_error(request, _("The file you uploaded is no longer kept here (files wait "
                                    "a day for review); upload it again."))


def _save(request):
    sha = request.POST.get("source_sha", "")
    data = _unstash(sha)
    if data is None:
        return _gone(request)
    try:
        read = read_letter_file(request.POST.get("source_name") or "letter.txt", data)
    except ReadError as error:  # the same bytes were read before; only a changed reader fails
        return _upload_error(request, read_error_message(error))
    if read.source.sha256 != sha:
        return _gone(request)
    fields_read = fields_from_parsed(read.parsed)
    suggestion = suggested_issuer(fields_read, request.user)
    form = ReviewForm(request.POST, unit_choices=issuer_choices(request.user, fields_read),
                      initial=ReviewForm.initial_from(fields_read, sha=sha,
                                                      name=read.source.name, unit=suggestion))
    formset = ReferenceFormSet(request.POST, prefix="refs",
                               initial=reference_initial(fields_read.references))
    if form.is_valid() and formset.is_valid():
        confidence = dict(read.parsed.confidences())
        # What the officer corrected is what the officer read: certain.
        for name in form.changed_data:
            if name in ReviewForm.CONFIDENCE_KEYS:
                confidence[ReviewForm.CONFIDENCE_KEYS[name]] = 1.0
        if formset.has_changed():
            confidence["references"] = 1.0
        unit_id = form.cleaned_data["issuer_unit"]
        unit = OrganisationUnit.objects.filter(pk=unit_id).first() if unit_id else None
        try:
            letter = import_fields(
                form.to_fields(fields_read, reviewed_references(formset)),
                actor=request.user, issuer_unit=unit, match_issuer=False,
                confidence=confidence, problems=read.parsed.problems, source_file=read.source,
                edition=current_edition())
        except PermissionError:
            form.add_error("issuer_unit", _("You cannot record letters of this unit."))
        except LetterImportError as error:
            form.add_error(None, str(error))
        else:
            _drop(sha)
            if letter.import_outcome == Outcome.PRESENT:
                messages.info(request, _("This letter was already in the system; nothing was "
                                         "changed."))
            else:
                messages.success(request, _("The letter was saved."))
            return redirect(letter_url(letter))
    return _review(request, read, form, formset, status=400)

