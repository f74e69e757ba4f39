"""Participant pages of programs (mounted at the organization host's root)."""

from django.urls import path

from . import views, views_training

app_name = "programs"

urlpatterns = [
    path("programs/", views.program_directory, name="directory"),
    path("programs/<int:program_id>/", views.program_detail, name="detail"),
    path("programs/<int:program_id>/apply/mentee/", views.apply_mentee, name="apply_mentee"),
    path("programs/<int:program_id>/apply/mentor/", views.apply_mentor, name="apply_mentor"),
    path("enrolments/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path(
        "enrolments/<int:enrollment_id>/withdraw/",
        views.enrollment_withdraw,
        name="enrollment_withdraw",
    ),
    path("enrolments/<int:enrollment_id>/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/reviews/", views.goal_review_add, name="goal_review_add"),
    path(
        "goal-reviews/<int:review_id>/observation/",
        views.goal_review_observe,
        name="goal_review_observe",
    ),
    path("programs/<int:program_id>/training/", views_training.training, name="training"),
    path(
        "programs/<int:program_id>/training/<int:module_id>/",
        views_training.training_module,
        name="training_module",
    ),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/items/<int:item_id>/", views.checklist_item_toggle, name="checklist_item"),
    path("people/<int:profile_id>/", views.member_profile, name="member_profile"),
]
