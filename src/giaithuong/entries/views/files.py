"""Files of an entry on the participant's pages: add one, take one off, download one's own,
and the list of files with what inspection found (polled by htmx while a check runs).

A file arrives either through the resumable uploader (tus; the page then sends the finished
upload's key) or, without JavaScript, in the form post itself: it is then streamed from
Django's temporary file into an upload of the uploads app the same way, so both roads end in
`services.attach_file`, which checks the type read from the content and the size limits.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from giaithuong.common.access import access
from giaithuong.entries import selectors, services
from giaithuong.entries.errors import EntryError
from giaithuong.entries.forms.files import FileForm
from giaithuong.entries.forms.plan import plan_for
from giaithuong.entries.views import editing, saving
from giaithuong.entries.views.common import PARTICIPANTS, now, own_entry, timing
from giaithuong.uploads import conf as upload_conf
from giaithuong.uploads import services as upload_services
from giaithuong.uploads.tus import OFFSET_CONTENT_TYPE, TusError

UPLOAD_REFUSALS = {
    413: gettext_lazy("The file is larger than the largest file the award takes ({limit} MB)."),
    429: gettext_lazy("You have too many unfinished uploads: finish or cancel one first."),
    507: gettext_lazy("The server has no room for this file now; try again later."),
}


def _receive(user, uploaded) -> str:
    """Stream a file posted with the form into a finished upload; its key."""
    upload = upload_services.create_upload(user, length=uploaded.size, metadata={
        "filename": uploaded.name or "", "filetype": uploaded.content_type or "",
        "purpose": "entry"})
    if uploaded.size:
        uploaded.seek(0)
        upload = upload_services.receive(user, upload.key, claimed_offset=0,
                                         content_length=uploaded.size,
                                         content_type=OFFSET_CONTENT_TYPE, read=uploaded.read)
    if not upload.is_complete:
        raise EntryError(_("The file arrived incomplete; send it again."), field="upload")
    return str(upload.key)


def _refusal(error: TusError) -> str:
    text = UPLOAD_REFUSALS.get(error.status)
    if text is None:
        return _("The file could not be received ({reason}); send it again.").format(
            reason=error.message)
    return str(format_lazy(text, limit=upload_conf.max_size() // (1024 * 1024)))


def files_context(request, entry, at, form=None) -> dict:
    entry = selectors.entry_for(request.user, entry.pk) or entry  # the files as they are now
    return {"entry": entry, "plan": plan_for(entry), "file_form": form or FileForm(),
            "timing": timing(entry, at), "checking": any(
                f.inspected_at is None for f in entry.files.all())}


@access(PARTICIPANTS)
@require_POST
def add_file(request, entry_id):
    entry = own_entry(request, entry_id)
    at = now()
    form = FileForm(request.POST, request.FILES)
    added = None
    if form.is_valid():
        try:
            key = form.cleaned_data["upload_key"]
            if form.cleaned_data.get("file"):
                key = _receive(request.user, form.cleaned_data["file"])
            added = services.attach_file(entry, request.user, key, form.cleaned_data["role"],
                                         now=at)
        except TusError as error:
            form.add_error("file", _refusal(error))
        except EntryError as error:
            form.add_error("role" if error.field == "role" else "file", str(error))
    if request.htmx:
        response = render(request, "entries/_file_added.html",
                          files_context(request, entry, at, None if added else form))
        if added is not None:
            response["HX-Trigger"] = editing.SAVED_EVENT
        return response
    if added is not None:
        messages.success(request, _("“{name}” was added to the entry.").format(
            name=added.original_name))
        return redirect(editing.step_url(entry, "files"))
    forms = saving.bind("files", entry, plan_for(entry))
    return editing.render_edit(request, entry, "files", forms, at, file_form=form, status=400)


@access(PARTICIPANTS)
@require_POST
def remove_file(request, entry_id, file_id):
    entry = own_entry(request, entry_id)
    item = selectors.file_for(request.user, entry.pk, file_id)
    at = now()
    problem = ""
    if item is not None:
        try:
            services.remove_file(item, request.user, now=at)
        except EntryError as error:
            problem = str(error)
    if request.htmx:
        response = render(request, "entries/_files.html",
                          {**files_context(request, entry, at), "problem": problem})
        if not problem:
            response["HX-Trigger"] = editing.SAVED_EVENT
        return response
    if problem:
        messages.error(request, problem)
    elif item is not None:
        messages.success(request, _("“{name}” was removed from the entry.").format(
            name=item.original_name))
    return redirect(editing.step_url(entry, "files"))


@access(PARTICIPANTS)
@require_GET
def files_panel(request, entry_id):
    entry = own_entry(request, entry_id)
    response = render(request, "entries/_files.html", files_context(request, entry, now()))
    response["Cache-Control"] = "no-store"
    return response


@access(PARTICIPANTS)
@require_GET
def download_file(request, entry_id, file_id):
    """One of the person's own files, as they sent it (never from a public path)."""
    own_entry(request, entry_id)
    item = selectors.file_for(request.user, entry_id, file_id)
    if item is None or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name,
                            content_type=item.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response
