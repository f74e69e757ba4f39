"""Participant pages of sessions, by noun: a pair's sessions and one session
(``schedule``), its co-created ``agenda`` (htmx, and plain forms without JavaScript), the
``log`` and private notes, the pair's ``agreement`` and their ``experiments``. Each view
parses the request, calls one selector or service, and renders; pages are drawn on the
signed-in person's own clock (their profile's time zone). ``sessions.urls`` names each
view by its module."""
