"""What a new organization starts with: a soft-skill catalogue, prep checklists and
mentor training lessons, in the organization's language.

Written for this platform; managers edit, extend or archive all of it in the admin.
"""

from django.utils.translation import gettext_lazy as _

from .models import ChecklistAudience

SKILLS = [
    (
        _("Communication"),
        _("Getting a message across so that the other person understands it and can act on it."),
        [
            _("States the main point and the request in the first two sentences"),
            _("Adapts detail and vocabulary to the audience in the room"),
            _("Checks understanding by asking the listener to say what they will do next"),
            _("Follows up a conversation with a short written summary of decisions"),
        ],
    ),
    (
        _("Active listening"),
        _("Taking in what is said, and what is left unsaid, before preparing an answer."),
        [
            _("Lets the speaker finish without interrupting or finishing their sentences"),
            _("Summarizes what they heard before giving their own view"),
            _("Asks a follow-up question about feelings or reasons, not only facts"),
            _("Notices and names a topic the speaker avoided or hurried past"),
        ],
    ),
    (
        _("Empathy"),
        _("Understanding how a situation looks and feels from someone else's position."),
        [
            _("Describes a colleague's point of view in terms that colleague would accept"),
            _("Asks how a decision affects the people it lands on before making it"),
            _("Acknowledges a feeling out loud before moving to solutions"),
        ],
    ),
    (
        _("Emotional intelligence and relationship-building"),
        _("Reading emotions, handling one's own reactions, and building trust over time."),
        [
            _("Pauses before answering when a discussion gets heated"),
            _("Names their own reaction calmly instead of acting it out"),
            _("Keeps small promises to stakeholders, visibly and on time"),
            _("Reaches out to people outside their team before they need something"),
        ],
    ),
    (
        _("Problem-solving and critical thinking"),
        _("Breaking a messy problem down, weighing options fairly and deciding under pressure."),
        [
            _("Writes the problem down in one sentence before proposing answers"),
            _("Lays out at least two options with their costs before choosing"),
            _("Separates facts from assumptions when presenting a case"),
            _("Makes a decision by the agreed time and says what would change it"),
        ],
    ),
    (
        _("Leadership and influence"),
        _("Moving people towards a shared goal, with or without formal authority."),
        [
            _("Explains the why of a request, not only the what"),
            _("Brings a disagreement into the open and steers it to a decision"),
            _("Gives credit to others by name in public"),
            _("Aligns two teams on one objective they both write down"),
        ],
    ),
    (
        _("Confidence and self-advocacy"),
        _("Speaking up for one's ideas, needs and achievements in the moment they matter."),
        [
            _("Asks for the resources or support they need, with a reason"),
            _("Describes their own contribution plainly in reviews and meetings"),
            _("Says no, or not now, to work that does not fit, and offers an alternative"),
            _("Raises a concern in the meeting rather than after it"),
        ],
    ),
    (
        _("Collaboration"),
        _("Working with others so that the result is better than anyone's alone."),
        [
            _("Shares unfinished work early and asks for input"),
            _("Builds on a colleague's idea before offering a different one"),
            _("Makes who does what explicit at the end of a meeting"),
        ],
    ),
    (
        _("Flexibility"),
        _("Adjusting plans and approach when the situation changes, without losing the goal."),
        [
            _("Changes their approach after feedback within the same week"),
            _("Names what stays fixed and what can change when plans shift"),
            _("Tries a colleague's way of working before judging it"),
        ],
    ),
    (
        _("Creativity"),
        _("Finding new options, and helping others find them."),
        [
            _("Proposes more than one solution before settling on one"),
            _("Invites quieter people to add ideas before the group converges"),
            _("Runs a small, cheap experiment to test an idea"),
        ],
    ),
    (
        _("Persuasion"),
        _("Bringing others to agree through evidence, timing and the other side's interests."),
        [
            _("Opens with the outcome that matters to the listener"),
            _("Backs a claim with one concrete example or number"),
            _("Addresses the strongest objection before it is raised"),
        ],
    ),
]

CHECKLISTS = {
    ChecklistAudience.MENTEE_FIRST_SESSION: [
        _("Pick one or two skills you want to work on, as precisely as you can."),
        _("Write down two or three recent, real moments where those skills would have helped."),
        _("Draft one goal someone else could observe you reaching."),
        _("Prepare a question about how your mentor learned the same skills."),
    ],
    ChecklistAudience.MENTOR_PREPARATION: [
        _("Recall where you struggled with the skills your mentee chose, and what helped."),
        _("Prepare a few open questions about your mentee's current challenges."),
        _("Choose one short story from your own work that taught you something."),
        _("Plan to build the next agenda together, around practice rather than talk."),
    ],
    ChecklistAudience.MANAGER_LAUNCH: [
        _("Write guidelines that put soft-skill growth at the centre of the program."),
        _("Stock the resource bank with material on feedback and listening."),
        _("Brief the mentors on listening, open questions and behaviour-based feedback."),
        _("Decide how participants will report progress and how useful the program is."),
        _("Plan how you will recognize the mentors at the end of the cohort."),
    ],
}

# The default mentor training path: short lessons written here (Markdown), each closed by a
# reflection the mentor writes. (title, one-line description, lesson, reflection prompt)
TRAINING_LESSONS = [
    (
        _("Listening actively"),
        _("Hear the whole story, including what is left out, before you answer."),
        _("""Most of what a mentee needs from you in the first minutes is attention, not advice.
Listening well is a skill you can practise, and your mentee will notice it at once.

# What to do in a session

- **Let them finish.** Wait a breath after they stop talking. People often add the most
  important sentence after a pause.
- **Say back what you heard** in your own words before you give a view: "So the meeting
  went well, but you left feeling you had not been heard. Is that right?"
- **Listen for what is missing.** A topic they rush past, a name they avoid, a feeling
  they do not name. You can ask about it gently: "You mentioned your manager only once.
  How does she see this?"
- **Notice your own urge to solve.** When you catch yourself preparing an answer while
  they are still speaking, put the answer aside and ask one more question instead.

# A small practice

In your next two conversations at work, summarise what the other person said before you
reply. Watch how they react: do they correct you, add something, relax?

Listening is also how you earn the right to give feedback later: people take feedback
from someone who has clearly understood them."""),
        _(
            "Think of a recent conversation where you were tempted to jump in with advice. "
            "What did you hear, and what might you have missed?"
        ),
    ),
    (
        _("Asking open questions"),
        _("Questions that make your mentee think, rather than answer yes or no."),
        _("""A good question does more work than a good piece of advice: the mentee finds the
answer themselves, so they own it and remember it.

# Open, not closed

A closed question can be answered with one word: "Did the presentation go well?" An open
question asks for a story or a reason: "What part of the presentation went the way you
hoped?" Open questions usually start with *what*, *how* or *tell me about*.

# Questions that tend to help

- "Tell me about a recent moment at work that went well. What made it work?"
- "What would you do if you were sure it could not go wrong?"
- "What have you already tried, and what did you learn from it?"
- "How would your colleague describe what happened?"
- "What is one small thing you could try before we meet again?"

# Watch out for

- **Advice dressed as a question** ("Have you thought about just telling him?"). If you
  have a suggestion, offer it plainly, and later.
- **Why questions** can sound like blame. "What led you to…" often works better.
- **Stacking questions.** Ask one, then wait; silence is where the thinking happens.

# A small practice

Write down three open questions for your first session and keep them in front of you."""),
        _(
            "Write down an open question you will ask in your first session, and say why you chose it."
        ),
    ),
    (
        _("Showing empathy"),
        _("See the situation from where your mentee stands, and let them know you do."),
        _("""Empathy means imagining how a situation looks and feels from the other person's
position, and showing them that you are trying. It does not mean agreeing with everything,
or fixing the feeling.

# In practice

- **Name the feeling you notice**, tentatively: "That sounds frustrating," or "It seems
  you were caught off guard." If you are wrong, they will tell you, and you both learn.
- **Acknowledge before you solve.** A mentee who feels understood is far more open to
  ideas. One sentence of acknowledgement is often enough.
- **Share, briefly, when you have been there.** A short story of your own struggle with
  the same skill makes it safe to talk about difficulty. Keep it short and hand the
  conversation back.
- **Stay curious about differences.** Your mentee's team, background or role may make
  the same situation feel very different from how it felt to you.

# Why it matters for soft skills

Empathy is something your mentee learns partly by experiencing it. When you model it in
your sessions, you show what it looks like with their colleagues too.

# A small practice

Before your next difficult conversation at work, spend a minute writing down how the other
person probably sees the issue, in words they would accept."""),
        _(
            "Describe a time someone showed you empathy at work. What did they do that "
            "made the difference?"
        ),
    ),
    (
        _("Feedback on behaviour"),
        _("Feedback your mentee can act on: what they did, and what it caused."),
        _("""General praise or criticism ("good job", "be more confident") is hard to act on.
Feedback helps when it names something your mentee did that others could see, and what
it led to.

# A simple shape

1. **Situation**: when and where. "In Tuesday's planning meeting…"
2. **Behaviour**: what you saw or heard, without judging it. "…you summarised Sam's point
   before you disagreed with it…"
3. **Impact**: what followed. "…and Sam stayed in the discussion instead of going quiet."
4. **Next step** (for growth): "Try the same when the director pushes back next week."

# Tips

- **Be specific and recent.** The closer to the moment, the more useful.
- **Describe, do not diagnose.** "You spoke over Priya twice" rather than "you are rude".
- **Balance it.** Point out what worked as precisely as what did not: people repeat what
  they know works.
- **Ask first.** "Would some feedback on that meeting help?" makes it easier to hear.
- **Invite feedback back.** Ask your mentee what helps them in your sessions, and act on
  it.

# A small practice

After your next meeting, write one piece of behaviour-based feedback for a colleague, in
the four steps above, and offer it to them."""),
        _(
            "Write one piece of feedback you could give a colleague this week, naming the "
            "situation, the behaviour and its impact."
        ),
    ),
]


# The tables in the active language, as plain text: the installers call them inside
# ``translation.override(organization.language or "en")``.
def skills() -> list[tuple[str, str, list[str]]]:
    """(name, description, behaviours) of each default skill."""
    return [(str(name), str(text), list(map(str, shown))) for name, text, shown in SKILLS]


def checklists() -> dict[str, list[str]]:
    """The prep checklist items of each audience, in order."""
    return {audience: list(map(str, texts)) for audience, texts in CHECKLISTS.items()}


def training_lessons() -> list[tuple[str, str, str, str]]:
    """(title, description, lesson, reflection prompt) of each default lesson."""
    return [
        (str(title), str(text), str(body), str(prompt))
        for title, text, body, prompt in TRAINING_LESSONS
    ]
