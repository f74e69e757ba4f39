"""Routes of the SCIM endpoint under /scim/v2/."""

from django.urls import path, re_path

from . import discovery, views

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", discovery.service_provider_config, name="config"),
    path("ResourceTypes", discovery.resource_types, name="resource_types"),
    path("ResourceTypes/<str:item_id>", discovery.resource_types, name="resource_type"),
    path("Schemas", discovery.schemas, name="schemas"),
    path("Schemas/<str:item_id>", discovery.schemas, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users_search"),
    path("Users/<str:scim_id>", views.user, name="user"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups_search"),
    path("Groups/<str:scim_id>", views.group, name="group"),
    path(".search", views.root_search, name="search"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="unknown"),
]
