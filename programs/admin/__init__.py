"""The program manager's admin: skills, programs, enrolments, the resource bank, prep
checklists, mentor training paths, session plans, mentor recognition and (read-only) goals.

Business writes (lifecycle, focus skills, decisions, CSV enrolment, archiving, awards) go
through ``programs.services``. Plain catalogue rows with no workflow (a skill's text, a
resource, a checklist item) and a mentor's capacity are saved by the admin itself, like the
core app's departments. Goal reviews are not registered: they hold a mentee's and a
mentor's reflective text.
"""

# Importing the modules registers their model admins on the organization's admin site.
from . import catalogue, enrolments, programs, recognition, session_plans, skills, training

__all__ = [
    "catalogue",
    "enrolments",
    "programs",
    "recognition",
    "session_plans",
    "skills",
    "training",
]
