from ninja import Router
from ninja.errors import HttpError

from giaithuong.common.access import PUBLIC
from giaithuong.common.api_access import api_access
from giaithuong.editions.schemas import EditionOut
from giaithuong.editions.selectors import current_edition

router = Router(tags=["editions"])


def _text(obj, field):
    return {"vi": getattr(obj, f"{field}_vi"), "en": getattr(obj, f"{field}_en")}


@router.get("/current", response=EditionOut, auth=None, summary="The edition now running")
@api_access(PUBLIC)
def get_current_edition(request):
    edition = current_edition()
    if edition is None:
        raise HttpError(404, "No edition has been loaded.")
    spec = edition.rules
    by_code = {c.code: c for c in spec.categories}
    return {
        "award": _text(edition.award, "name"),
        "ordinal": edition.ordinal,
        "roman": edition.roman,
        "year": edition.year,
        "title": _text(edition, "title"),
        "website": edition.award.website,
        "trailer_url": edition.trailer_url,
        "launch": edition.launch_date,
        "publication_window": {"start": edition.window_start, "end": edition.window_end,
                               "straddle_min_share": spec.rules.straddle_min_share},
        "deadline": edition.deadline,
        "deadline_extended": edition.deadline_extended,
        "categories": [
            {**by_code[c.code].model_dump(mode="json", exclude={"notes"}),
             "name": _text(c, "name"), "summary": _text(c, "summary")}
            for c in edition.categories.all()
        ],
        "criteria": [{"code": c.code, "name": _text(c, "name"), "weight": c.weight}
                     for c in edition.criteria.all()],
        "prize_tiers": [{"code": t.code, "name": _text(t, "name"),
                         "per_category": t.per_category, "overall": t.overall,
                         "amount_vnd": t.amount_vnd} for t in edition.prize_tiers.all()],
        "milestones": [{"code": m.code, "label": _text(m, "label"), "date": m.date,
                        "end_date": m.end_date, "tentative": m.tentative}
                       for m in edition.milestones.all()],
        "rules": spec.rules.model_dump(mode="json"),
    }
