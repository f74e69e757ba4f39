"""What matching registers with the core's hooks (see mentoring/hooks.py)."""

from mentoring import hooks

from . import privacy

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)
