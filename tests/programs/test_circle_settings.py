"""The program form offers the circle format and its three settings: how few and how many
mentees a circle holds, and how many mentors guide it."""

import html

import pytest

from programs.models import Program, ProgramFormat
from tests.builders.clients import signed_in
from tests.builders.world import make_program
from tests.programs.test_admin import admin_url, in_acme, program_form


@pytest.fixture
def manager(world):
    return signed_in(world.acme, world.acme.manager)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_manager_makes_a_circle_program_with_its_sizes(manager, world):
    page = manager.get(admin_url(Program, "add")).content.decode()
    assert 'value="circle"' in page
    assert 'name="circle_min_mentees"' in page and 'name="circle_mentors"' in page
    response = manager.post(
        admin_url(Program, "add"),
        program_form(
            world, format="circle", circle_min_mentees=4, circle_max_mentees=7, circle_mentors=2
        ),
    )
    assert response.status_code == 302, text(response)[:3000]
    with in_acme(world):
        program = Program.objects.get(name="Speak up")
    assert program.format == ProgramFormat.CIRCLE
    assert (program.circle_min_mentees, program.circle_max_mentees, program.circle_mentors) == (
        4,
        7,
        2,
    )


def test_a_circle_that_starts_larger_than_it_may_grow_is_refused_with_a_clear_message(
    manager, world
):
    response = manager.post(
        admin_url(Program, "add"),
        program_form(world, format="circle", circle_min_mentees=6, circle_max_mentees=4),
    )
    assert response.status_code == 200
    assert (
        "A circle cannot start with more mentees (6) than it may hold (4): lower the fewest "
        "or raise the most." in text(response)
    )
    with in_acme(world):
        assert not Program.objects.filter(name="Speak up").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("circle_min_mentees", 2, "greater than or equal to 3"),
        ("circle_max_mentees", 9, "less than or equal to 8"),
        ("circle_mentors", 3, "less than or equal to 2"),
    ],
)
def test_circle_sizes_outside_what_a_circle_can_be_are_refused(
    manager, world, field, value, message
):
    response = manager.post(
        admin_url(Program, "add"), program_form(world, format="circle", **{field: value})
    )
    assert response.status_code == 200
    assert message in text(response)


def test_a_program_of_another_format_saves_without_the_circle_settings_and_keeps_them(
    manager, world
):
    program = make_program(world.acme, circle_min_mentees=4)
    response = manager.post(
        admin_url(Program, "change", program.pk),
        program_form(world, name=program.name, format="peer"),
    )
    assert response.status_code == 302, text(response)[:3000]
    with in_acme(world):
        program.refresh_from_db()
    assert program.format == ProgramFormat.PEER
    assert (program.circle_min_mentees, program.circle_max_mentees) == (4, 6)


def test_another_organizations_manager_can_neither_read_nor_change_a_circle_programs_settings(
    world,
):
    program = make_program(world.acme, format=ProgramFormat.CIRCLE)
    other = signed_in(world.globex, world.globex.manager)
    page = text(other.get(admin_url(Program, "change", program.pk), follow=True))
    assert program.name not in page
    other.post(
        admin_url(Program, "change", program.pk),
        program_form(world, name=program.name, format="circle", circle_min_mentees=5),
    )
    with in_acme(world):
        program.refresh_from_db()
    assert program.circle_min_mentees == 3
