"""The form of a question someone prepares for a session. It parses; the service
(``sessions.services.questions``) decides what is allowed and says why."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm

from .services.questions import QUESTION_MAX_CHARS


class PreparedQuestionForm(ServiceForm):
    text = forms.CharField(
        label=_("Add a question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": QUESTION_MAX_CHARS}),
        help_text=_(
            "Open questions (what, how, tell me about…) invite a real answer: the coach "
            "below points out yes/no and leading ones as you type."
        ),
    )

    def __init__(self, *args, focus: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "question-new-%s")
        super().__init__(*args, **kwargs)
        if focus:
            self.fields["text"].widget.attrs["autofocus"] = True
