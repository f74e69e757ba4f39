"""Example questions, good and poor, with the kind the open-question coach must give each
and, for some, the exact open rewrite it must suggest ("" when it suggests none; None
when the row checks the kind only). Fields: text, expected kind, expected rewrite."""

EXAMPLES = [
    # Open: they invite a real answer, and the coach leaves them alone.
    ("What went well in the meeting, and what would you change?", "open", ""),
    ("How did you prepare for the interview?", "open", ""),
    ("Which part of the feedback surprised you most?", "open", ""),
    ("Where do you want to be in a year?", "open", ""),
    ("When do you feel most confident in meetings?", "open", ""),
    ("Who could you ask for help with this?", "open", ""),
    ("To what extent did the plan work?", "open", ""),
    ("Tell me about a time you disagreed with your manager.", "open", ""),
    ("Describe the last difficult conversation you had.", "open", ""),
    ("Walk me through how you plan your week.", "open", ""),
    ("Could you describe what happened next?", "open", ""),
    ("Can you tell me more about that?", "open", ""),
    ("It was a hard week. How do you see it now?", "open", ""),
    # "Why" is open, but can sound like blame: "what led to…" asks the same gently.
    ("Why did you skip the retro?", "open", "What led you to skip the retro?"),
    ("Why didn't you ask for help?", "open", "What made it hard to ask for help?"),
    ("Why do you think the plan failed?", "open", "What leads you to think the plan failed?"),
    ("Why was the project late?", "open", "What made the project late?"),
    # Closed: the answer can stop at yes or no.
    (
        "Did the meeting go well?",
        "closed",
        "What went well in the meeting, and what would you change?",
    ),
    ("Did the demo go badly?", "closed", "How did the demo go, and what would you change?"),
    (
        "Did you talk to your manager?",
        "closed",
        "How did it go when you tried to talk to your manager?",
    ),
    (
        "Do you feel ready for the promotion?",
        "closed",
        "What makes you feel ready for the promotion, or not?",
    ),
    (
        "Can you lead the next stand-up?",
        "closed",
        "What would it take for you to lead the next stand-up?",
    ),
    ("Would you try it again?", "closed", "What would it take for you to try it again?"),
    (
        "Should I apply for the team lead role?",
        "closed",
        "What would change if I apply for the team lead role, and what if I don't?",
    ),
    ("Was the workshop useful?", "closed", "What was useful about the workshop, and what was not?"),
    ("Are the goals realistic?", "closed", "What is realistic about the goals, and what is not?"),
    (
        "Is it hard to say no to your manager?",
        "closed",
        "What makes it hard to say no to your manager?",
    ),
    ("Were there any surprises?", "closed", "What surprises came up?"),
    ("Has anything changed since last time?", "closed", "What has changed since last time?"),
    ("Have you tried asking for help?", "closed", "What have you tried so far, and what happened?"),
    ("Is everything ok?", "closed", None),
    ("Does your team know about the change?", "closed", None),
    ("Were you nervous before the talk?", "closed", None),
    ("Could the handover have gone better?", "closed", None),
    ("Did the meeting go well", "closed", None),  # no question mark: still a question
    # Leading: the question holds its own answer.
    (
        "Do you think you should apologise to her?",
        "leading",
        "What options do you see, and what would happen if you apologise to her?",
    ),
    (
        "Don't you agree that the deadline was too short?",
        "leading",
        "How do you see it: the deadline was too short, or something else?",
    ),
    (
        "Wouldn't it be better to wait until Monday?",
        "leading",
        "What options do you see, and what would happen if you wait until Monday?",
    ),
    (
        "Isn't it true that you rushed the demo?",
        "leading",
        "How do you see it: you rushed the demo, or something else?",
    ),
    (
        "You felt ignored in the meeting, right?",
        "leading",
        "How do you see it: you felt ignored in the meeting, or something else?",
    ),
    ("You were nervous, weren't you?", "leading", None),
    ("Shouldn't you speak up sooner?", "leading", None),
    ("Do you agree that the meeting ran too long?", "leading", None),
    ("Would it be better to ask her first?", "leading", None),
    ("Surely you could have said something?", "leading", None),
    ("Can't we just skip it?", "leading", None),
    ("Is it fair to say you were upset?", "leading", None),
    ("Didn’t you send the email?", "leading", None),  # a typographic apostrophe
    # Not questions: topics and statements, about which the coach says nothing.
    ("Feedback on my presentation", "not_a_question", ""),
    ("Prepare the quarterly review.", "not_a_question", ""),
    ("Will presents the roadmap.", "not_a_question", ""),  # Will is a name here
    ("What I learned from the retro", "not_a_question", ""),
    ("", "not_a_question", ""),
    # Several sentences: the most worrying question decides.
    (
        "What would you do differently next time? Did the meeting go well?",
        "closed",
        "What went well in the meeting, and what would you change?",
    ),
    ("We ran out of time. Don't you think that was avoidable?", "leading", None),
    ("1. How did the pitch land?", "open", ""),
    (
        "How was it?Did the retro go well?!",  # no space after the first question
        "closed",
        "What went well in the retro, and what would you change?",
    ),
]
