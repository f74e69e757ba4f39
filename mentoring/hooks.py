"""Hooks: the places where the core asks the apps, without naming them.

An app registers in its own ``hooks.py`` (imported for every installed app when Django is
ready, like ``admin.py``)::

    from mentoring import hooks

    @hooks.register(hooks.ORGANIZATION_DEFAULTS)
    def install_defaults(organization): ...

and the core runs ``hooks.get_hooks(name)`` in registration order (``order`` first). The
same mechanism carries events upwards: a lower app announces an event by name, a higher
app subscribes to it. Only declared names exist (``define``), so a typo fails at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

NAMES: dict[str, str] = {}


def define(name: str, contract: str) -> str:
    """Declare a hook (the core's below; an app declares its own events the same way, in
    the module that runs them). Returns the name, to be kept as a constant."""
    if NAMES.setdefault(name, contract) != contract:
        raise ValueError(f"The hook {name!r} is declared twice, differently.")
    return name


ORGANIZATION_DEFAULTS = define(
    "organization_defaults", "fn(*, organization): fill a new organization's catalogues"
)
MEMBER_JOINED = define(
    "member_joined", "fn(*, organization, person): a person accepted an invitation"
)
INVITATION_FIELDS = define(
    "invitation_fields",
    "fn() -> dict of name: form field, offered when inviting (one person or a CSV file)",
)
INVITATION_CREATED = define(
    "invitation_created",
    "fn(*, organization, actor, invitations, choices): invitations were made, inside their "
    "transaction; choices: the cleaned INVITATION_FIELDS (raise ValidationError to refuse)",
)
INVITATION_ACCEPTED = define(
    "invitation_accepted",
    "fn(*, organization, invitation, person): the person joined through this invitation, "
    "after MEMBER_JOINED, in the same transaction",
)
MEMBER_LEFT = define(
    "member_left",
    "fn(*, organization, person, reason): a person's membership ended (for example the "
    "directory deactivated them), inside its transaction; end what they take part in",
)
REMINDER_SOURCES = define(
    "reminder_sources", "a ReminderSource: what the dispatcher should send, and how"
)
PRIVACY_RULES = define(
    "privacy_rules", "a PrivacyRules: what a person's export, erasure and retention cover"
)
API_ROUTES = define("api_routes", "fn() -> list of URL patterns under /api/v1/")
JOB_KINDS = define("job_kinds", "a jobs.kinds.JobKind: long work run in the background")

_registry: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)


class UnknownHook(LookupError):
    pass


def _known(name: str) -> str:
    if name not in NAMES:
        raise UnknownHook(f"No hook is called {name!r}; the hooks are: {', '.join(NAMES)}.")
    return name


def register(name: str, fn: Any = None, *, order: int = 0) -> Any:
    """Register ``fn`` under ``name``; without ``fn``, a decorator."""
    _known(name)
    if fn is None:
        return lambda fn: register(name, fn, order=order)
    entries = _registry[name]
    entries.append((order, len(entries), fn))
    entries.sort(key=lambda entry: entry[:2])
    return fn


def get_hooks(name: str) -> list[Any]:
    return [fn for _order, _seq, fn in _registry[_known(name)]]


def run(name: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Call every function registered under ``name``; their results in order."""
    hooks: list[Callable[..., Any]] = get_hooks(name)
    return [fn(*args, **kwargs) for fn in hooks]


def discover() -> None:
    """Import ``hooks`` of every installed app (once; Django's ready() calls it)."""
    autodiscover_modules("hooks")
