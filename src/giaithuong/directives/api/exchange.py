"""API for edXML exchange (registered in giaithuong/api.py at /api/v1/exchange)."""

from ninja import Router

router = Router(tags=["exchange"])
