"""The HR API, under /api/ on an organization's host. Every route under v1/ must be in
the cross-tenant battery (tests/api/test_tenancy.py walks this list)."""

from django.http import JsonResponse
from django.urls import Resolver404, path, re_path, resolve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mentoring import hooks


def not_found(request, rest=""):
    """Any other path under /api/: the API's JSON 404 rather than an HTML page."""
    detail = "No such endpoint: the endpoints are listed at /api/docs/."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/", urlconf=getattr(request, "urlconf", None))
            detail = f"Not found: did you mean {request.path}/ (with a final slash)?"
        except Resolver404:
            pass
    return JsonResponse({"error": {"status": 404, "detail": detail}}, status=404)


# Every endpoint under v1/ is contributed through hooks.API_ROUTES: by each app's hooks.py
# and by the composition layer's read models (mentoring.overview.api).
urlpatterns = [
    *(route for contribute in hooks.get_hooks(hooks.API_ROUTES) for route in contribute()),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
