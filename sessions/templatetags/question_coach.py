"""``{{ text|question_advice }}``: the open-question coach's advice on a text already on
the page (a point opened for editing, a form sent without JavaScript), so the advice
shows before anyone types. No query."""

from django import template

from ..questions import QuestionAdvice, assess_question

register = template.Library()


@register.filter
def question_advice(text) -> QuestionAdvice:
    return assess_question(str(text or ""))
