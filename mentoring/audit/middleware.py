"""Remember the current request for the audit log (see ``mentoring.audit.context``)."""

from .context import request_context


class AuditContextMiddleware:
    """Changes made while a request is served name its person (or API key), address and
    browser. Place it after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
