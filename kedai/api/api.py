"""The one NinjaAPI of Kedai: storefront and admin routers, one document.

Error statuses are documented as ``application/problem+json`` (RFC 9457):
every handler below answers in that shape, and ``ApiMiddleware`` covers
what happens outside django-ninja (unknown URLs, crashes).
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kedai.api import (
    admin_catalog,
    admin_orders,
    admin_other,
    store_cart,
    store_catalog,
    store_checkout,
)
from kedai.api.problems import PROBLEM_TYPE, Problem, from_problem, problem_response
from kedai.core.exceptions import ApplicationError

DESCRIPTION = """\
The JSON API of a Kedai shop. Two parts:

* **Storefront** (`/api/store/v1/`): public, cookieless. A cart, checkout
  or order is reached by its token, in the path or (carts) in an
  `Authorization: Cart <token>` header.
* **Admin** (`/api/admin/v1/`): an API key the owner made in the back office,
  sent as `Authorization: Bearer <key>`; each key has read/write scopes per
  area.

Errors are `application/problem+json` (RFC 9457). Money is
`{"amount": "12.50", "currency": "MYR"}`. Listings page by an opaque
`cursor` (`next_cursor`). POSTs that create something accept an
`Idempotency-Key` header. See docs/api.md.
"""


class KedaiApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix,
                                            path_params=path_params)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
        return schema


api = KedaiApi(
    title="Kedai API", version="1", description=DESCRIPTION,
    urls_namespace="api", docs_url=None, openapi_url="/schema/",
)
api.add_router("/store/v1/", store_catalog.router)
api.add_router("/store/v1/", store_cart.router)
api.add_router("/store/v1/", store_checkout.router)
api.add_router("/admin/v1/", admin_orders.router)
api.add_router("/admin/v1/", admin_catalog.router)
api.add_router("/admin/v1/", admin_other.router)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return from_problem(exc)


def _field(loc) -> str:
    """``("body", "payload", "lines", 0, "quantity")`` → ``lines.0.quantity``."""
    parts = [str(p) for p in loc[1:] if p not in ("payload", "query")]
    return ".".join(parts) or (str(loc[0]) if loc else "body")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))}
              for e in exc.errors]
    return problem_response(422, "The request is not valid; see errors.",
                            code="invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    return problem_response(401, "Send a valid API key as "
                            "'Authorization: Bearer <key>'.", code="unauthenticated",
                            headers={"WWW-Authenticate": 'Bearer realm="admin"'})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return problem_response(404)


@api.exception_handler(ApplicationError)
def _refused(request, exc: ApplicationError):
    return problem_response(422, exc.message, code=exc.code)
