"""API for deliveries (registered in giaithuong/api.py)."""

from ninja import Router

router = Router(tags=["deliveries"])
