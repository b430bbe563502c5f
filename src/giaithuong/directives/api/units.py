"""API for units (registered in giaithuong/api.py)."""

from ninja import Router

router = Router(tags=["units"])
