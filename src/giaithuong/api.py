"""The REST API at /api/v1/ (django-ninja; OpenAPI document at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from giaithuong.accounts.api import router as accounts_router
from giaithuong.accounts.auth import API_AUTH
from giaithuong.common.access import PUBLIC
from giaithuong.directives.api.deliveries import router as deliveries_router
from giaithuong.directives.api.exchange import router as exchange_router
from giaithuong.directives.api.imports import router as imports_router
from giaithuong.directives.api.letters import router as letters_router
from giaithuong.directives.api.units import router as units_router
from giaithuong.editions.api import router as editions_router
from giaithuong.entries.api import intake_router
from giaithuong.entries.api import router as entries_router

api = NinjaAPI(
    title="giaithuong API",
    version="1",
    description="Award editions, letters, entries and judging. Authenticate with "
                "`Authorization: Bearer <token>` (create one with `giaithuong create_api_token`).",
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("/editions", editions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/units", units_router)
api.add_router("/letters", letters_router)
api.add_router("/deliveries", deliveries_router)
api.add_router("/imports", imports_router)
api.add_router("/exchange", exchange_router)
api.add_router("/entries", entries_router)
api.add_router("/intake", intake_router)

# Routes ninja adds by itself, with who may open them (read by the permission-matrix test).
BUILTIN_ROUTE_ACCESS = {"openapi-json": PUBLIC, "openapi-view": PUBLIC, "api-root": PUBLIC}
