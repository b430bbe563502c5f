"""The letter pages a unit officer (and an organiser) works in every day: the inbox and the sent
letters, a new draft, a letter shown as on paper with the actions of the person looking, editing
and issuing a draft, and the work on a received letter (acknowledge, implement, refuse, report).

Thin: forms parse, `directives.letters` changes state, `directives.selectors` reads. Who may see
a letter is `can_view_letter` (else 404); who may act is `can_act_for` (else 403).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from giaithuong.accounts.roles import Role
from giaithuong.common.access import access, roles
from giaithuong.directives import letters as services
from giaithuong.directives import rendering, selectors
from giaithuong.directives.forms.letters import (
    ActivityReportForm,
    InboxFilterForm,
    LetterEditForm,
    NewLetterForm,
    OutboxFilterForm,
    RefuseForm,
)
from giaithuong.directives.layout import build_layout
from giaithuong.directives.letter import Style
from giaithuong.directives.models import (
    ActivityReport,
    Delivery,
    DeliveryState,
    Letter,
    LetterStatus,
)
from giaithuong.directives.permissions import can_act_for, officer_units
from giaithuong.directives.templatetags.directives_letters import letter_code
from giaithuong.editions.selectors import current_edition

LETTER_PEOPLE = roles(Role.ORGANISER, Role.UNIT_OFFICER)
PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 50
_CLOSED = (DeliveryState.DONE, DeliveryState.REFUSED)


# Lookups with the object-level checks ----------------------------------------------------------

def _letter(request, letter_id: int) -> Letter:
    """The letter, if this person may see it; otherwise it does not exist for them."""
    letter = get_object_or_404(Letter.objects.select_related("issuer", "implements"),
                               pk=letter_id)
    if not selectors.can_view_letter(request.user, letter):
        raise Http404
    return letter


def _own_letter(request, letter_id: int) -> Letter:
    """A letter this person may change: one of their units issues it."""
    letter = _letter(request, letter_id)
    if letter.issuer is None or not can_act_for(request.user, letter.issuer):
        raise PermissionDenied
    return letter


def _delivery(request, delivery_id: int) -> Delivery:
    """A delivery to one of this person's units. Someone who may see the letter but not act for
    the unit is refused (403); anyone else is told it does not exist (404)."""
    delivery = get_object_or_404(Delivery.objects.select_related("letter", "unit",
                                                                 "letter__issuer"),
                                 pk=delivery_id)
    if not can_act_for(request.user, delivery.unit):
        if selectors.can_view_letter(request.user, delivery.letter):
            raise PermissionDenied
        raise Http404
    return delivery


def _is_overdue(delivery: Delivery, today) -> bool:
    return bool(delivery.due_date and delivery.due_date < today
                and delivery.state not in _CLOSED)


# Inbox and sent letters ------------------------------------------------------------------------

@access(LETTER_PEOPLE)
def inbox(request):
    form = InboxFilterForm(request.GET or None, user=request.user)
    deliveries = selectors.inbox(request.user)
    today = timezone.localdate()
    if form.is_bound and form.is_valid():
        unit, state = form.cleaned_data["unit"], form.cleaned_data["state"]
        if unit is not None:
            deliveries = deliveries.filter(unit=unit)
        if state == form.OPEN:
            deliveries = deliveries.exclude(state__in=_CLOSED)
        elif state == form.OVERDUE:
            deliveries = deliveries.exclude(state__in=_CLOSED).filter(due_date__lt=today)
        elif state:
            deliveries = deliveries.filter(state=state)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    for delivery in page.object_list:
        delivery.is_overdue = _is_overdue(delivery, today)
    show_unit = form.several_units or request.user.has_role(Role.ORGANISER)
    return render(request, "directives/letters/inbox.html",
                  {"form": form, "page": page, "tab": "inbox", "show_unit": show_unit})


@access(LETTER_PEOPLE)
def outbox(request):
    form = OutboxFilterForm(request.GET or None, user=request.user)
    letters = selectors.sent_letters(request.user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["unit"] is not None:
            letters = letters.filter(issuer=form.cleaned_data["unit"])
        if form.cleaned_data["state"]:
            letters = letters.filter(status=form.cleaned_data["state"])
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directives/letters/outbox.html",
                  {"form": form, "page": page, "tab": "outbox"})


# Drafting -------------------------------------------------------------------------------------

_NEW_TOKENS = "letters:new"  # session key: form token → the draft it made (a resend opens it)


@access(LETTER_PEOPLE)
def letter_new(request):
    made = request.session.get(_NEW_TOKENS, {})
    if request.method == "POST":
        token = request.POST.get("token") or secrets.token_urlsafe(16)
        if token in made and Letter.objects.filter(pk=made[token]).exists():
            return redirect("directives:letter_edit", letter_id=made[token])
        form = NewLetterForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issuer, party = data["issuer"], data["style"] == Style.PARTY
                letter = services.create_draft(
                    actor=request.user, issuer=issuer, subject=data["subject"],
                    symbol=data["symbol"], style=data["style"], kind=data["kind"],
                    edition=current_edition(),
                    signature=services.usual_signature(issuer, data["style"]),
                    # NĐ 30: a công văn's list opens with "Như trên" and ends "Lưu: VT"; Party
                    # letters file under the office's own name, which the officer writes.
                    recipients=() if party else ("Như trên", "Lưu: VT"))
            except PermissionError:
                form.add_error("issuer", _("You are not an officer of this unit."))
            except services.LetterError as error:
                form.add_error(None, str(error))
            else:
                # The last few tokens are enough: a resend comes within seconds.
                request.session[_NEW_TOKENS] = {**dict(list(made.items())[-20:]),
                                                token: letter.pk}
                messages.success(request, _("Draft created. Write the letter and issue it."))
                return redirect("directives:letter_edit", letter_id=letter.pk)
    else:
        token = secrets.token_urlsafe(16)
        form = NewLetterForm(user=request.user, initial={"issuer": request.GET.get("issuer")})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "directives/letters/new.html", {"form": form, "token": token},
                  status=status)


@access(LETTER_PEOPLE)
def letter_edit(request, letter_id: int):
    letter = _own_letter(request, letter_id)
    if letter.status != LetterStatus.DRAFT:
        messages.error(request, _("This letter has been issued and can no longer be edited."))
        return redirect("directives:letter_detail", letter_id=letter.pk)
    form = LetterEditForm(request.POST or None, letter=letter)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(letter, actor=request.user, **form.changes())
        except services.LetterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            if "issue" in request.POST:  # "Save and issue" goes on to issue from the letter
                return _issue(request, letter)
            return redirect("directives:letter_detail", letter_id=letter.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "directives/letters/edit.html",
                  {"form": form, "letter": letter}, status=status)


def _issue(request, letter: Letter):
    try:
        letter = services.issue_letter(letter, actor=request.user)
    except services.LetterError as error:
        messages.error(request, str(error))
    else:
        count = letter.deliveries.count()
        messages.success(request, ngettext(
            "Issued as number %(code)s; %(count)s unit received it.",
            "Issued as number %(code)s; %(count)s units received it.", count) % {
            "code": letter_code(letter), "count": count})
    return redirect("directives:letter_detail", letter_id=letter.pk)


@access(LETTER_PEOPLE)
@require_POST
def letter_issue(request, letter_id: int):
    return _issue(request, _own_letter(request, letter_id))


@access(LETTER_PEOPLE)
@require_POST
def letter_discard(request, letter_id: int):
    letter = _own_letter(request, letter_id)
    try:
        services.discard_draft(letter, actor=request.user)
    except services.LetterError as error:
        messages.error(request, str(error))
        return redirect("directives:letter_detail", letter_id=letter.pk)
    messages.success(request, _("The draft was discarded."))
    return redirect("directives:outbox")


# The letter itself ----------------------------------------------------------------------------

def _references(request, letter: Letter) -> list[dict]:
    refs = list(letter.references.select_related("target"))
    visible = set(selectors.visible_letters(request.user)
                  .filter(pk__in=[ref.target_id for ref in refs if ref.target_id])
                  .values_list("pk", flat=True))
    return [{"ref": ref, "linked": ref.target_id in visible,
             "external": ref.target_id is None or ref.target.status == LetterStatus.EXTERNAL}
            for ref in refs]


def _detail_context(request, letter: Letter, *, refuse_forms: dict | None = None) -> dict:
    user = request.user
    today = timezone.localdate()
    issuer_side = letter.issuer is not None and can_act_for(user, letter.issuer)
    mine = list(letter.deliveries.filter(unit_id__in=officer_units(user))
                .select_related("unit").prefetch_related("reports").order_by("unit__path"))
    own_letters = {
        row.issuer_id: row for row in Letter.objects.filter(
            implements=letter, issuer_id__in=[d.unit_id for d in mine]).order_by("id")}
    for delivery in mine:
        delivery.is_overdue = _is_overdue(delivery, today)
        delivery.own_letter = own_letters.get(delivery.unit_id)
        delivery.refuse_form = (refuse_forms or {}).get(delivery.pk) or RefuseForm(
            prefix=f"refuse-{delivery.pk}")
    context = {
        "letter": letter, "layout": build_layout(rendering.letter_doc(letter)),
        "references": _references(request, letter), "issuer_side": issuer_side,
        "my_deliveries": mine, "is_draft": letter.status == LetterStatus.DRAFT,
    }
    if issuer_side and letter.status == LetterStatus.ISSUED:
        deliveries = letter.deliveries.select_related("unit").order_by("unit__path", "id")
        context["delivery_page"] = Paginator(deliveries, DELIVERIES_PAGE_SIZE).get_page(
            request.GET.get("page"))
        counts = dict(letter.deliveries.values_list("state").annotate(n=Count("id")))
        context["delivery_counts"] = [(label, counts.get(value, 0))
                                      for value, label in DeliveryState.choices]
        context["deliveries_total"] = sum(counts.values())
        for delivery in context["delivery_page"].object_list:
            delivery.is_overdue = _is_overdue(delivery, today)
    return context


@access(LETTER_PEOPLE)
def letter_detail(request, letter_id: int):
    letter = _letter(request, letter_id)
    return render(request, "directives/letters/detail.html", _detail_context(request, letter))


def _download(letter: Letter, data: bytes, suffix: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{rendering.file_stem(letter)}.{suffix}"')
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access(LETTER_PEOPLE)
def letter_pdf(request, letter_id: int):
    letter = _letter(request, letter_id)
    return _download(letter, rendering.letter_pdf(letter), "pdf", "application/pdf")


@access(LETTER_PEOPLE)
def letter_docx(request, letter_id: int):
    letter = _letter(request, letter_id)
    return _download(letter, rendering.letter_docx(letter), "docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# Work on a received letter --------------------------------------------------------------------

def _back_to_letter(delivery: Delivery):
    return redirect(reverse("directives:letter_detail", args=[delivery.letter_id])
                    + f"#delivery-{delivery.pk}")


@access(LETTER_PEOPLE)
@require_POST
def delivery_acknowledge(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    try:
        services.acknowledge(delivery, actor=request.user)
    except services.LetterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Acknowledged: %(unit)s has received this letter.")
                         % {"unit": delivery.unit.name})
    return _back_to_letter(delivery)


@access(LETTER_PEOPLE)
@require_POST
def delivery_implement(request, delivery_id: int):
    """Triển khai: the unit's own letter to the units below it, drafted from this one."""
    delivery = _delivery(request, delivery_id)
    try:
        letter = services.draft_implementing_letter(delivery, actor=request.user)
    except services.LetterError as error:
        messages.error(request, str(error))
        return _back_to_letter(delivery)
    if letter.status != LetterStatus.DRAFT:
        messages.info(request, _("Your unit has already issued its letter for this one."))
        return redirect("directives:letter_detail", letter_id=letter.pk)
    return redirect("directives:letter_edit", letter_id=letter.pk)


@access(LETTER_PEOPLE)
@require_POST
def delivery_refuse(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    form = RefuseForm(request.POST, prefix=f"refuse-{delivery.pk}")
    if form.is_valid():
        try:
            services.refuse(delivery, actor=request.user, reason=form.cleaned_data["reason"])
        except services.LetterError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Refused; the issuing unit sees your reason."))
        return _back_to_letter(delivery)
    letter = _letter(request, delivery.letter_id)
    context = _detail_context(request, letter, refuse_forms={delivery.pk: form})
    return render(request, "directives/letters/detail.html", context, status=400)


@access(LETTER_PEOPLE)
def delivery_report(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    if delivery.state == DeliveryState.REFUSED:
        messages.error(request, _("This delivery was refused."))
        return _back_to_letter(delivery)
    form = ActivityReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_activity(delivery, actor=request.user, **form.service_kwargs())
        except services.LetterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: the activity is reported."))
            return _back_to_letter(delivery)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "directives/letters/report.html",
                  {"form": form, "delivery": delivery, "letter": delivery.letter,
                   "reports": delivery.reports.order_by("-date", "-id")}, status=status)


@access(LETTER_PEOPLE)
def report_evidence(request, report_id: int):
    """The evidence file of a report, for the reporting unit and the units above it."""
    report = get_object_or_404(ActivityReport.objects.select_related("delivery__unit"),
                               pk=report_id)
    unit = report.delivery.unit
    if not report.evidence or not selectors.visible_units(request.user).filter(
            pk=unit.pk).exists():
        raise Http404
    name = report.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=name)
