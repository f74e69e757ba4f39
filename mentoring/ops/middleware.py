"""The first middleware: health checks and metrics on any host, and the request's id.

``/healthz``, ``/readyz`` and ``/metrics`` are answered here, before the host is
looked up and before any session or tenant row is read. Every other request gets a
request id (the caller's ``X-Request-ID`` when it looks like one, echoed back) that its
log lines carry, and is counted per URL pattern (never the raw path: no ids or slugs).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound

from . import health, logs, metrics

logger = logging.getLogger("mentoring.requests")

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request) -> HttpResponse:
    return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))


def readyz(request) -> HttpResponse:
    states = health.readiness()
    ready = health.is_ready(states)
    body = json.dumps({"ready": ready, "checks": states})
    return _no_store(
        HttpResponse(body, status=200 if ready else 503, content_type="application/json")
    )


def _bearer_token(request) -> str:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _from_allowed_network(request) -> bool:
    # The direct peer only: X-Forwarded-For is whatever the client says.
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


def metrics_view(request) -> HttpResponse:
    token = settings.METRICS_TOKEN
    given = _bearer_token(request)
    allowed = (token and given and hmac.compare_digest(given, token)) or _from_allowed_network(
        request
    )
    if not allowed:
        if token:
            response = HttpResponse("A metrics token is needed.", status=401)
            response["WWW-Authenticate"] = "Bearer"
            return _no_store(response)
        return _no_store(HttpResponseNotFound("Not found."))
    return _no_store(HttpResponse(metrics.exposition(), content_type=PROMETHEUS_CONTENT_TYPE))


OPS_PATHS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class OpsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if answer := OPS_PATHS.get(request.path_info):
            return answer(request)
        request.request_id = logs.request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = logs.request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            route = match.route if match is not None else None
            metrics.observe_request(
                route=route, method=request.method, status=response.status_code, seconds=seconds
            )
            organization = getattr(request, "organization", None)
            logger.info(
                "%s %s %s %.0f ms",
                request.method,
                route or metrics.UNMATCHED_ROUTE,
                response.status_code,
                seconds * 1000,
                extra={"organization_id": getattr(organization, "pk", None)},
            )
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            logs.request_id.reset(token)
