"""The public award site (trang công khai). Thin views over the editions selectors."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaithuong.common.access import PUBLIC, access
from giaithuong.documents.qr import qr_png, qr_svg
from giaithuong.editions.selectors import category_by_code, current_edition
from giaithuong.portal.caching import cache_public_page


def _edition_or_404():
    edition = current_edition()
    if edition is None:
        raise Http404("No edition has been loaded yet.")
    return edition


def _deadline_context(edition):
    now = timezone.now()
    deadline = edition.effective_deadline
    remaining = deadline - now
    return {
        "deadline": deadline,
        "deadline_passed": remaining.total_seconds() <= 0,
        "days_left": max(remaining.days, 0),
        "deadline_extended": edition.deadline_extended is not None,
    }


@access(PUBLIC)
@require_GET
@cache_public_page
def home(request):
    edition = _edition_or_404()
    return render(request, "portal/home.html", {
        **_deadline_context(edition),
        "categories": edition.categories.all(),
    })


@access(PUBLIC)
@require_GET
@cache_public_page
def category_detail(request, code: str):
    edition = _edition_or_404()
    category = category_by_code(edition, code)
    if category is None:
        raise Http404("No such category in this edition.")
    return render(request, "portal/category.html", {
        "category": category,
        "rules": category.rules,
        "entry_rules": edition.rules.rules,
        "categories": edition.categories.all(),
    })


@access(PUBLIC)
@require_GET
@cache_public_page
def timeline(request):
    edition = _edition_or_404()
    return render(request, "portal/timeline.html", {
        **_deadline_context(edition),
        "milestones": edition.milestones.all(),
    })


@access(PUBLIC)
@require_GET
@cache_public_page
def rules(request):
    edition = _edition_or_404()
    spec = edition.rules
    return render(request, "portal/rules.html", {
        **_deadline_context(edition),
        "spec": spec,
        "entry_rules": spec.rules,
        "categories": edition.categories.all(),
        "criteria": edition.criteria.all(),
        "prize_tiers": edition.prize_tiers.all(),
        "organisers": spec.edition.organisers,
        "rounds": spec.rounds,
    })


@access(PUBLIC)
@require_GET
@cache_public_page
def how_to_take_part(request):
    edition = _edition_or_404()
    return render(request, "portal/take_part.html", {
        **_deadline_context(edition),
        "entry_rules": edition.rules.rules,
    })


@access(PUBLIC)
@require_GET
@cache_public_page
def contact(request):
    edition = _edition_or_404()
    return render(request, "portal/contact.html", {"contact": edition.rules.contact})


@access(PUBLIC)
@require_GET
@cache_public_page
def faq(request):
    edition = _edition_or_404()
    return render(request, "portal/faq.html", {
        **_deadline_context(edition),
        "entry_rules": edition.rules.rules,
    })


@access(PUBLIC)
@require_GET
def trailer_qr_svg(request):
    edition = _edition_or_404()
    response = HttpResponse(qr_svg(edition.trailer_url, title=edition.title_vi),
                            content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@access(PUBLIC)
@require_GET
def trailer_qr_png(request):
    edition = _edition_or_404()
    response = HttpResponse(qr_png(edition.trailer_url), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="trailer-qr-{edition.year}.png"'
    return response


@access(PUBLIC)
@require_GET
def hello(request):
    """A bare view: the yardstick of the home_page benchmark (and a liveness probe)."""
    return HttpResponse("ok", content_type="text/plain")
