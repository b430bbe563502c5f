"""API for letters (registered in giaithuong/api.py)."""

from ninja import Router

router = Router(tags=["letters"])
