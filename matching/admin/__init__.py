"""Matching's admin: match runs and their review, mentorships, self-match requests, and the
matching weights of a program's page.

The links a program's page shows to its runs are registered in ``matching/hooks.py``.
"""

# Importing the modules registers their model admins on the organization's admin site.
from . import mentorships, programs, runs

__all__ = ["mentorships", "programs", "runs"]
