"""Every email is written in its recipient's language: the one on their profile, else their
organization's, else English. An invitation goes to someone without a profile yet: it is
written in the organization's language."""

from django.core import mail

from mentoring.notifications.models import Kind, Notice, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization, Role
from tests.builders.cohort import enrol_mentee
from tests.builders.world import make_program
from tests.mentoring.test_invitations import invite


def choose_language(org, user, language: str) -> None:
    with activate(org.organization):
        Profile.objects.filter(user=user).update(language=language)


def decision_email(org, user) -> OutboxMessage:
    with activate(org.organization):
        return OutboxMessage.objects.get(kind=Kind.APPLICATION_DECIDED, recipient=user)


def test_a_mentee_who_chose_german_gets_the_email_in_german_and_a_colleague_in_english(world, sent):
    german, english = world.acme.mentees[:2]
    choose_language(world.acme, german, "de")
    program = make_program(world.acme, name="Zuhören lernen")
    with sent:
        enrol_mentee(world.acme, german, program)
        enrol_mentee(world.acme, english, program)

    in_german = decision_email(world.acme, german)
    assert in_german.subject == "Du bist dabei: Zuhören lernen"
    assert in_german.body_text.startswith("Hallo ")
    assert "ist angenommen. Willkommen!" in in_german.body_text
    assert "Wähle, welche E-Mails du bekommst" in in_german.body_text
    assert '<html lang="de">' in in_german.body_html
    assert "Deine Anmeldung ansehen" in in_german.body_html
    in_english = decision_email(world.acme, english)
    assert in_english.subject == "You are in: Zuhören lernen"
    assert in_english.body_text.startswith("Hello ")
    assert '<html lang="en">' in in_english.body_html


def test_the_whats_new_list_shows_the_title_in_the_recipients_language(world, sent):
    mentee = world.acme.mentees[0]
    choose_language(world.acme, mentee, "de")
    program = make_program(world.acme, name="Zuhören lernen")
    with sent:
        enrol_mentee(world.acme, mentee, program)
    with activate(world.acme.organization):
        notice = Notice.objects.get(kind=Kind.APPLICATION_DECIDED, recipient__user=mentee)
    assert notice.title == "Du bist dabei: Zuhören lernen"


def test_without_a_choice_a_person_gets_the_organizations_language_and_others_stay_english(
    world, sent
):
    Organization.objects.filter(pk=world.acme.organization.pk).update(language="de")
    world.acme.organization.refresh_from_db()
    acme_program = make_program(world.acme, name="Zuhören lernen")
    globex_program = make_program(world.globex, name="Listening")
    with sent:
        enrol_mentee(world.acme, world.acme.mentees[0], acme_program)
        enrol_mentee(world.globex, world.globex.mentees[0], globex_program)

    assert decision_email(world.acme, world.acme.mentees[0]).subject == (
        "Du bist dabei: Zuhören lernen"
    )
    assert decision_email(world.globex, world.globex.mentees[0]).subject == (
        "You are in: Listening"
    )


def test_a_persons_own_choice_wins_over_the_organizations_language(world, sent):
    Organization.objects.filter(pk=world.acme.organization.pk).update(language="de")
    world.acme.organization.refresh_from_db()
    mentee = world.acme.mentees[0]
    choose_language(world.acme, mentee, "en")
    program = make_program(world.acme, name="Listening")
    with sent:
        enrol_mentee(world.acme, mentee, program)
    assert decision_email(world.acme, mentee).subject == "You are in: Listening"


def test_an_invitation_is_written_in_the_organizations_language(world, sent):
    Organization.objects.filter(pk=world.acme.organization.pk).update(language="de")
    world.acme.organization.refresh_from_db()
    with sent:
        invite(world.acme, email="neu@acme.example", role=Role.MEMBER)
        invite(world.globex, email="new@globex.example", role=Role.MANAGER)

    german, english = mail.outbox
    assert german.subject == f"Deine Einladung zum Mentoring bei {world.acme.organization.name}"
    assert "mitzumachen – als Mitglied." in german.body
    assert "Öffne diesen Link, um dein Passwort festzulegen" in german.body
    assert "Einladung annehmen" in german.alternatives[0][0]
    assert english.subject == (f"You are invited to mentoring at {world.globex.organization.name}")
    assert "as program manager." in english.body
