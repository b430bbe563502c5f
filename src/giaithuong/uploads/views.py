"""The tus endpoints: /uploads/ (create, OPTIONS) and /uploads/<key> (HEAD, PATCH, DELETE).

Thin: parse headers with the pure core (tus.py), call a service, answer with tus headers.
The PATCH body is read from the request stream in pieces, never as `request.body`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.uploads import conf, services, tus
from giaithuong.uploads.auth import plain, tus_access
from giaithuong.uploads.models import Upload

UPLOADERS = roles(Role.PARTICIPANT, Role.ORGANISER, Role.INTAKE_OFFICER)
_OVERRIDABLE = frozenset({"PATCH", "DELETE", "HEAD"})


def _answer(status: int, headers: dict[str, str]) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = tus.VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def _options() -> HttpResponse:
    return _answer(204, {**tus.protocol_headers(), "Tus-Max-Size": str(conf.max_size())})


def _state_headers(upload: Upload) -> dict[str, str]:
    headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    if upload.metadata:
        headers["Upload-Metadata"] = tus.encode_metadata(upload.metadata)
    if upload.is_complete:
        headers["Repr-Digest"] = tus.repr_digest(upload.sha256)
        headers["Upload-Content-Type"] = upload.content_type
    else:
        headers["Upload-Expires"] = tus.http_date(upload.expires_at)
    return headers


def _refused(error: tus.TusError) -> HttpResponse:
    return plain(error.status, error.message, error.headers)


@csrf_exempt
@tus_access(UPLOADERS)
def upload_collection(request):
    """POST creates an upload (tus creation); OPTIONS describes the server."""
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return plain(405, "Create uploads with POST.", {"Allow": "POST, OPTIONS"})
    try:
        tus.check_version(request.headers.get("Tus-Resumable"))
        if "Upload-Defer-Length" in request.headers:
            raise tus.TusError(400, "Upload-Defer-Length is not supported; send Upload-Length.")
        length = tus.parse_size(request.headers.get("Upload-Length"), "Upload-Length")
        metadata = tus.parse_metadata(request.headers.get("Upload-Metadata"))
        upload = services.create_upload(request.user, length=length, metadata=metadata)
    except tus.TusError as error:
        return _refused(error)
    location = request.build_absolute_uri(reverse("upload_resource", args=[upload.key]))
    headers = {"Location": location, "Upload-Offset": str(upload.offset)}
    if not upload.is_complete:
        headers["Upload-Expires"] = tus.http_date(upload.expires_at)
    return _answer(201, headers)


@csrf_exempt
@tus_access(UPLOADERS)
def upload_resource(request, upload_id):
    """One upload: HEAD reads its offset, PATCH appends, DELETE cancels (tus core,
    termination). POST with X-HTTP-Method-Override serves clients that cannot send those."""
    method = request.method
    if method == "POST":
        override = request.headers.get("X-HTTP-Method-Override", "").upper()
        method = override if override in _OVERRIDABLE else method
    if method == "OPTIONS":
        return _options()
    if method not in _OVERRIDABLE:
        return plain(405, "Use HEAD, PATCH or DELETE on an upload.",
                     {"Allow": "HEAD, PATCH, DELETE, OPTIONS"})
    try:
        tus.check_version(request.headers.get("Tus-Resumable"))
        if method == "HEAD":
            upload = services.current_state(request.user, upload_id)
            return _answer(200, _state_headers(upload))
        if method == "DELETE":
            services.terminate(request.user, upload_id)
            return _answer(204, {})
        return _patch(request, upload_id)
    except tus.TusError as error:
        return _refused(error)


def _patch(request, upload_id) -> HttpResponse:
    declared = request.META.get("CONTENT_LENGTH") or ""
    if not declared and "Transfer-Encoding" in request.headers:
        # Chunked bodies would be read as empty: ask for a length instead of losing them.
        return plain(411, "Content-Length is required.")
    upload = services.receive(
        request.user, upload_id,
        claimed_offset=tus.parse_size(request.headers.get("Upload-Offset"), "Upload-Offset"),
        content_length=tus.parse_size(declared or "0", "Content-Length"),
        content_type=request.content_type,
        checksum=tus.parse_checksum(request.headers.get("Upload-Checksum")),
        read=request.read,
    )
    return _answer(204, _state_headers(upload))
