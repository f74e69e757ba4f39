"""One spelling in what people read: "enrolment" (the code keeps Django's "enrollment" in
its names, URLs and the API's fields, which no page shows as text)."""

from html.parser import HTMLParser

from django.urls import reverse

from mentoring.tenancy import activate
from programs.models import Enrollment, Goal
from tests.builders.clients import signed_in
from tests.builders.cohort import make_cohort


class _Text(HTMLParser):
    """The words a person reads: text and the attributes shown or spoken (no URLs, ids or
    names, which may spell things the code's way)."""

    SHOWN = {"title", "alt", "aria-label", "placeholder", "value"}

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        self.words += [value or "" for name, value in attrs if name in self.SHOWN]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def shown_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(parser.words)


def test_no_page_a_manager_or_a_mentee_reads_spells_enrolment_the_american_way(world):
    cohort = make_cohort(world.acme)
    with activate(world.acme.organization):
        enrollment = (
            Enrollment.objects.select_related("person__user")
            .filter(program=cohort.program, role="mentee")
            .first()
        )
        goal = Goal.objects.filter(enrollment=enrollment).first()
        mentee_user = enrollment.person.user
    manager = signed_in(world.acme, world.acme.manager)
    admin_pages = [
        reverse("admin:index"),
        reverse("admin:programs_enrollment_changelist"),
        reverse("admin:programs_enrollment_change", args=[enrollment.pk]),
        reverse("admin:programs_program_changelist"),
        reverse("admin:programs_program_change", args=[cohort.program.pk]),
    ]
    if goal is not None:
        admin_pages.append(reverse("admin:programs_goal_change", args=[goal.pk]))
    mentee = signed_in(world.acme, mentee_user)
    participant_pages = ["/", "/programs/", f"/enrolments/{enrollment.pk}/"]
    for client, paths in ((manager, admin_pages), (mentee, participant_pages)):
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            assert "nrollment" not in shown_text(response), path
