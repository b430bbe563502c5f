"""API for deliveries (văn bản đến), at /api/v1/deliveries: a unit's inbox and what the unit does
with each letter — acknowledge, assign, refuse, draft its own implementing letter, report."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from giaithuong.accounts.roles import Role
from giaithuong.common.access import roles
from giaithuong.common.api_access import api_access
from giaithuong.common.text import nfc
from giaithuong.directives import letters as services
from giaithuong.directives.api.errors import not_found, service_errors
from giaithuong.directives.models import ActivityReport, Delivery, DeliveryState, LetterStatus
from giaithuong.directives.permissions import can_act_for
from giaithuong.directives.schemas import (
    AssignIn,
    DeliveryOut,
    LetterOut,
    RefuseIn,
    ReportIn,
    ReportOut,
)
from giaithuong.directives.selectors import inbox, visible_letters

router = Router(tags=["deliveries"])

OFFICERS = roles(Role.ORGANISER, Role.UNIT_OFFICER)


def _delivery(request, delivery_id: int) -> Delivery:
    delivery = (inbox(request.user).select_related("letter__issuer", "assignee")
                .filter(pk=delivery_id).first())
    if delivery is None:
        raise not_found("delivery")
    return delivery


@router.get("", response=list[DeliveryOut], summary="Your inbox: letters to your units")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
@api_access(OFFICERS)
def list_deliveries(request, state: DeliveryState | None = None, unit: int | None = None):
    """Newest first. An organiser's inbox is every delivery: narrow it with `unit`."""
    deliveries = inbox(request.user).select_related("letter__issuer", "assignee")
    if state is not None:
        deliveries = deliveries.filter(state=state)
    if unit is not None:
        deliveries = deliveries.filter(unit_id=unit)
    return deliveries


@router.get("/{delivery_id}", response=DeliveryOut, summary="One letter in your inbox")
@api_access(OFFICERS)
def get_delivery(request, delivery_id: int):
    return _delivery(request, delivery_id)


@router.post("/{delivery_id}/acknowledge", response=DeliveryOut,
             summary="Acknowledge receipt (again changes nothing)")
@api_access(OFFICERS)
def acknowledge_delivery(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    with service_errors():
        services.acknowledge(delivery, actor=request.user)
    return _delivery(request, delivery_id)


@router.post("/{delivery_id}/assign", response=DeliveryOut, summary="Name who handles it")
@api_access(OFFICERS)
def assign_delivery(request, delivery_id: int, payload: AssignIn):
    delivery = _delivery(request, delivery_id)
    # Only someone who may act for the unit handles its letters; one message for "no such
    # person" and "not of this unit", so user ids cannot be probed.
    assignee = get_user_model().objects.filter(pk=payload.assignee, is_active=True).first()
    if assignee is None or not can_act_for(assignee, delivery.unit):
        raise HttpError(400, _("No officer of %(unit)s has the user id %(id)s (assignee).")
                        % {"unit": delivery.unit.name, "id": payload.assignee})
    with service_errors():
        services.assign(delivery, actor=request.user, assignee=assignee)
    return _delivery(request, delivery_id)


@router.post("/{delivery_id}/refuse", response=DeliveryOut,
             summary="Refuse the letter, with a reason (wrong addressee, not ours)")
@api_access(OFFICERS)
def refuse_delivery(request, delivery_id: int, payload: RefuseIn):
    delivery = _delivery(request, delivery_id)
    with service_errors():
        services.refuse(delivery, actor=request.user, reason=payload.reason)
    return _delivery(request, delivery_id)


@router.post("/{delivery_id}/implement", response={200: LetterOut, 201: LetterOut},
             summary="Draft your unit's implementing letter")
@api_access(OFFICERS)
def implement_delivery(request, delivery_id: int):
    """201 with the new draft; 200 with the draft already begun for this letter, so a retry
    never leaves two drafts behind."""
    delivery = _delivery(request, delivery_id)
    visible = visible_letters(request.user).select_related("issuer").prefetch_related(
        "addressee_units", "references")
    begun = visible.filter(implements=delivery.letter, issuer=delivery.unit,
                           status=LetterStatus.DRAFT).order_by("id").first()
    if begun is not None:
        return Status(200, begun)
    with service_errors():
        draft = services.draft_implementing_letter(delivery, actor=request.user)
    return Status(201, visible.get(pk=draft.pk))


@router.get("/{delivery_id}/reports", response=list[ReportOut],
            summary="What your unit reported for this letter")
@api_access(OFFICERS)
def list_reports(request, delivery_id: int):
    delivery = _delivery(request, delivery_id)
    return delivery.reports.select_related("reported_by").order_by("-date", "-id")


@router.post("/{delivery_id}/reports", response={200: ReportOut, 201: ReportOut},
             summary="Report an activity (conference, broadcast, post …)")
@api_access(OFFICERS)
def report_activity(request, delivery_id: int, payload: ReportIn):
    """201 with the new report; 200 with the same report if it was already received (a retry),
    so the audience is never counted twice."""
    delivery = _delivery(request, delivery_id)
    fields = payload.model_dump()
    fields["links"] = [str(link) for link in payload.links]
    fields["channel"], fields["description"] = nfc(fields["channel"]), nfc(fields["description"])
    same = (ActivityReport.objects.select_related("reported_by")
            .filter(delivery=delivery, reported_by=request.user, **fields).first())
    if same is not None:
        return Status(200, same)
    with service_errors():
        report = services.report_activity(delivery, actor=request.user, **fields)
    return Status(201, report)
