"""What a new organization starts with: a soft-skill catalogue and prep checklists.

Written for this platform; managers edit, extend or archive all of it in the admin.
"""

from django.utils.translation import gettext_lazy as _

from .models import ChecklistAudience

SKILLS = [
    (
        "Communication",
        "Getting a message across so that the other person understands it and can act on it.",
        [
            "States the main point and the request in the first two sentences",
            "Adapts detail and vocabulary to the audience in the room",
            "Checks understanding by asking the listener to say what they will do next",
            "Follows up a conversation with a short written summary of decisions",
        ],
    ),
    (
        "Active listening",
        "Taking in what is said, and what is left unsaid, before preparing an answer.",
        [
            "Lets the speaker finish without interrupting or finishing their sentences",
            "Summarizes what they heard before giving their own view",
            "Asks a follow-up question about feelings or reasons, not only facts",
            "Notices and names a topic the speaker avoided or hurried past",
        ],
    ),
    (
        "Empathy",
        "Understanding how a situation looks and feels from someone else's position.",
        [
            "Describes a colleague's point of view in terms that colleague would accept",
            "Asks how a decision affects the people it lands on before making it",
            "Acknowledges a feeling out loud before moving to solutions",
        ],
    ),
    (
        "Emotional intelligence and relationship-building",
        "Reading emotions, handling one's own reactions, and building trust over time.",
        [
            "Pauses before answering when a discussion gets heated",
            "Names their own reaction calmly instead of acting it out",
            "Keeps small promises to stakeholders, visibly and on time",
            "Reaches out to people outside their team before they need something",
        ],
    ),
    (
        "Problem-solving and critical thinking",
        "Breaking a messy problem down, weighing options fairly and deciding under pressure.",
        [
            "Writes the problem down in one sentence before proposing answers",
            "Lays out at least two options with their costs before choosing",
            "Separates facts from assumptions when presenting a case",
            "Makes a decision by the agreed time and says what would change it",
        ],
    ),
    (
        "Leadership and influence",
        "Moving people towards a shared goal, with or without formal authority.",
        [
            "Explains the why of a request, not only the what",
            "Brings a disagreement into the open and steers it to a decision",
            "Gives credit to others by name in public",
            "Aligns two teams on one objective they both write down",
        ],
    ),
    (
        "Confidence and self-advocacy",
        "Speaking up for one's ideas, needs and achievements in the moment they matter.",
        [
            "Asks for the resources or support they need, with a reason",
            "Describes their own contribution plainly in reviews and meetings",
            "Says no, or not now, to work that does not fit, and offers an alternative",
            "Raises a concern in the meeting rather than after it",
        ],
    ),
    (
        "Collaboration",
        "Working with others so that the result is better than anyone's alone.",
        [
            "Shares unfinished work early and asks for input",
            "Builds on a colleague's idea before offering a different one",
            "Makes who does what explicit at the end of a meeting",
        ],
    ),
    (
        "Flexibility",
        "Adjusting plans and approach when the situation changes, without losing the goal.",
        [
            "Changes their approach after feedback within the same week",
            "Names what stays fixed and what can change when plans shift",
            "Tries a colleague's way of working before judging it",
        ],
    ),
    (
        "Creativity",
        "Finding new options, and helping others find them.",
        [
            "Proposes more than one solution before settling on one",
            "Invites quieter people to add ideas before the group converges",
            "Runs a small, cheap experiment to test an idea",
        ],
    ),
    (
        "Persuasion",
        "Bringing others to agree through evidence, timing and the other side's interests.",
        [
            "Opens with the outcome that matters to the listener",
            "Backs a claim with one concrete example or number",
            "Addresses the strongest objection before it is raised",
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
        "Listening actively",
        "Hear the whole story, including what is left out, before you answer.",
        """Most of what a mentee needs from you in the first minutes is attention, not advice.
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
from someone who has clearly understood them.""",
        "Think of a recent conversation where you were tempted to jump in with advice. "
        "What did you hear, and what might you have missed?",
    ),
    (
        "Asking open questions",
        "Questions that make your mentee think, rather than answer yes or no.",
        """A good question does more work than a good piece of advice: the mentee finds the
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

Write down three open questions for your first session and keep them in front of you.""",
        "Write down an open question you will ask in your first session, and say why you chose it.",
    ),
    (
        "Showing empathy",
        "See the situation from where your mentee stands, and let them know you do.",
        """Empathy means imagining how a situation looks and feels from the other person's
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
person probably sees the issue, in words they would accept.""",
        "Describe a time someone showed you empathy at work. What did they do that "
        "made the difference?",
    ),
    (
        "Feedback on behaviour",
        "Feedback your mentee can act on: what they did, and what it caused.",
        """General praise or criticism ("good job", "be more confident") is hard to act on.
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
the four steps above, and offer it to them.""",
        "Write one piece of feedback you could give a colleague this week, naming the "
        "situation, the behaviour and its impact.",
    ),
]
