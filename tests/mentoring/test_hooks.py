"""The hook registry: the core asks the apps through declared hooks, never by name."""

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone

from mentoring import hooks
from mentoring.notifications.dispatch import dispatch_organization
from mentoring.notifications.models import Kind
from mentoring.privacy.rules import all_rules
from mentoring.tenancy import activate
from programs.events import ENROLLMENT_APPROVED, PROGRAM_ADMIN_LINKS
from tests.builders.pair import make_pair, schedule


def test_an_unknown_hook_name_is_refused_with_the_names_that_exist():
    with pytest.raises(hooks.UnknownHook) as refused:
        hooks.register("reminder_source", lambda organization, now: None)
    assert "reminder_sources" in str(refused.value)
    with pytest.raises(hooks.UnknownHook):
        hooks.get_hooks("no-such-hook")


def test_a_hook_declared_twice_with_another_contract_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        hooks.define(hooks.API_ROUTES, "something else")
    assert hooks.define(hooks.API_ROUTES, hooks.NAMES[hooks.API_ROUTES]) == hooks.API_ROUTES


def test_hooks_run_in_order_then_in_registration_order(monkeypatch):
    name = hooks.define("test_ordering", "fn() -> str (tests only)")
    monkeypatch.setitem(hooks._registry, name, [])  # the registry is global: start empty
    hooks.register(name, lambda: "second")
    hooks.register(name, lambda: "third")
    hooks.register(name, lambda: "first", order=-1)
    assert hooks.run(name) == ["first", "second", "third"]


def test_every_app_fills_the_core_hooks_from_its_own_hooks_module():
    def apps_of(name):
        return {fn.__module__.split(".")[0] for fn in hooks.get_hooks(name)}

    assert apps_of(hooks.ORGANIZATION_DEFAULTS) == {"programs", "sessions"}
    assert apps_of(hooks.MEMBER_JOINED) == {"programs"}
    assert apps_of(hooks.REMINDER_SOURCES) == {"programs", "sessions"}
    # The composition layer's read models join when the organization URL conf loads.
    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018
    assert apps_of(hooks.API_ROUTES) == {"programs", "sessions", "feedback", "mentoring"}
    assert apps_of(ENROLLMENT_APPROVED) == {"matching"}
    # The program page's links: programs' own, matching's, then feedback's (INSTALLED_APPS
    # order).
    assert [fn.__module__ for fn in hooks.get_hooks(PROGRAM_ADMIN_LINKS)] == [
        "programs.hooks",
        "matching.hooks",
        "feedback.hooks",
    ]
    labels = {entry.label.split(".")[0] for rules in all_rules() for entry in rules.entries}
    # The core's own "what's new" notices use the same hook (mentoring/privacy/notices.py).
    assert labels == {"programs", "matching", "mentoring_sessions", "feedback", "mentoring"}


def test_the_dispatcher_sends_only_what_registered_sources_find(world, monkeypatch):
    """A session tomorrow is due through the pairs' source; with no source registered the
    same pass finds nothing: the dispatcher itself knows no reminder."""
    pair = make_pair(world.acme)
    schedule(pair)
    organization = world.acme.organization
    with activate(organization), transaction.atomic():
        with monkeypatch.context() as without_sources:
            without_sources.setitem(hooks._registry, hooks.REMINDER_SOURCES, [])
            assert dispatch_organization(organization, timezone.now()) == {}
        written = dispatch_organization(organization, timezone.now())
    assert written[Kind.SESSION_REMINDER] == 2  # the mentee and the mentor
