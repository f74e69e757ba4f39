"""PATCH requests (RFC 7644 §3.5.2) as Entra ID and Okta send them, applied to the
resource as we would serve it: the result is what a PUT would have sent."""

from __future__ import annotations

from scim2_models import AnyResource, Context, PatchOp

from .resources import PROVIDER

MANAGER_PATH = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager"


def _manager_as_reference(payload: dict) -> dict:
    """Entra ID sends a new manager as the bare id (``"value": "<id>"``) where RFC 7643
    has a complex attribute (``{"value": "<id>"}``): read it as the reference it means."""
    operations = payload.get("Operations")
    if not isinstance(operations, list):
        return payload
    fixed = []
    for operation in operations:
        if (
            isinstance(operation, dict)
            and str(operation.get("path", "")).lower() == MANAGER_PATH
            and isinstance(operation.get("value"), str)
        ):
            operation = {**operation, "value": {"value": operation["value"]}}
        fixed.append(operation)
    return {**payload, "Operations": fixed}


def patched(resource: AnyResource, payload: dict) -> AnyResource:
    """A copy of ``resource`` with the operations of ``payload`` applied (scim2-models
    accepts ``Replace``, string booleans, path-less values and URN paths; the
    provider's policy takes Entra's ``remove`` with a value and filters on new entries).
    Raises pydantic's ValidationError or a SCIMException for what it cannot apply."""
    patch = PatchOp.__class_getitem__(type(resource)).model_validate(
        _manager_as_reference(payload),
        scim_ctx=Context.RESOURCE_PATCH_REQUEST,
        scim_provider=PROVIDER,
    )
    result = resource.model_copy(deep=True)
    patch.patch(result, scim_policy=PROVIDER.policy)
    return result
