"""API for imports (registered in giaithuong/api.py)."""

from ninja import Router

router = Router(tags=["imports"])
