"""The guided check-in prompts a new organization starts with. Written for this platform;
managers edit, extend or switch them off in the admin. ``None`` as skill: any skill."""

from django.utils.translation import gettext_lazy as _

from .models import PromptPhase

PROMPTS = [
    (
        PromptPhase.FIRST_SESSION,
        None,
        _("What made you want a mentor now, and what would make these months worth it for you?"),
    ),
    (
        PromptPhase.FIRST_SESSION,
        None,
        _(
            "Describe a recent moment at work where you wished you had handled a conversation differently."
        ),
    ),
    (
        PromptPhase.FIRST_SESSION,
        None,
        _(
            "How do you like to hear feedback: straight away, written down, in private, with examples?"
        ),
    ),
    (
        PromptPhase.FIRST_SESSION,
        None,
        _(
            "Mentor: tell the story of how you learned one of these skills, including what went wrong."
        ),
    ),
    (
        PromptPhase.CHECK_IN,
        None,
        _("Pick one real situation from the last two weeks. What happened, step by step?"),
    ),
    (
        PromptPhase.CHECK_IN,
        None,
        _("What went well in that situation, and what did you do that made it go well?"),
    ),
    (
        PromptPhase.CHECK_IN,
        None,
        _("If the same moment came back tomorrow, what would you do differently?"),
    ),
    (
        PromptPhase.CHECK_IN,
        None,
        _("What did you notice about how other people in the room reacted?"),
    ),
    (
        PromptPhase.CHECK_IN,
        None,
        _("Which small experiment from last time did you try, and what did you learn from it?"),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Active listening"),
        _(
            "In your last one-to-one, how much of the time were you talking? What did you hear that you did not expect?"
        ),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Active listening"),
        _(
            "Think of a time someone left something unsaid. How did you notice, and what did you do?"
        ),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Empathy"),
        _(
            "Describe a recent disagreement from the other person's side, in words they would agree with."
        ),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Communication"),
        _("Bring a message you sent recently. Is the request clear in the first two sentences?"),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Confidence and self-advocacy"),
        _("When did you last keep an idea to yourself in a meeting? What stopped you?"),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Leadership and influence"),
        _("Who do you need to bring along on your current project, and what matters to them?"),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Emotional intelligence and relationship-building"),
        _(
            "When did a conversation recently get tense? What did you feel, and what did you do with it?"
        ),
    ),
    (
        PromptPhase.CHECK_IN,
        _("Problem-solving and critical thinking"),
        _("Take a decision you are facing. What are two options, and what would each cost?"),
    ),
    (
        PromptPhase.ROLE_PLAY,
        None,
        _(
            "Role-play: the mentee plays themself in an upcoming hard conversation; the mentor plays the other person. Stop after five minutes and swap roles."
        ),
    ),
    (
        PromptPhase.ROLE_PLAY,
        _("Confidence and self-advocacy"),
        _(
            "Role-play: ask for the resource or support you need, with one reason. The mentor pushes back once."
        ),
    ),
    (
        PromptPhase.ROLE_PLAY,
        _("Communication"),
        _(
            "Role-play: present your main point to a busy stakeholder in under a minute, then answer one question."
        ),
    ),
    (
        PromptPhase.DEBRIEF,
        None,
        _(
            "Debrief: walk through a meeting that did not go as planned. Where could it have turned differently?"
        ),
    ),
    (
        PromptPhase.DEBRIEF,
        None,
        _(
            "Debrief: read an email thread together. What does each message ask for, and how might it land?"
        ),
    ),
    (
        PromptPhase.GOAL_REVIEW,
        None,
        _("Look back at your goal: on a scale from 1 to 5, where are you, and what shows it?"),
    ),
    (
        PromptPhase.GOAL_REVIEW,
        None,
        _("What has changed since the start, in what you do or in how others respond to you?"),
    ),
    (
        PromptPhase.GOAL_REVIEW,
        None,
        _("Is the focus still right, or should the next months aim at something else?"),
    ),
    (
        PromptPhase.CLOSING,
        None,
        _("What will you keep doing after the mentorship ends, and who can help you keep at it?"),
    ),
    (PromptPhase.CLOSING, None, _("What did each of you learn from the other?")),
]


def prompts() -> list[tuple[str, str | None, str]]:
    """(phase, skill name or None, text) of each default prompt, in the active language
    (the installer calls it inside ``translation.override(organization.language or "en")``)."""
    return [
        (str(phase), str(skill) if skill else None, str(text)) for phase, skill, text in PROMPTS
    ]
