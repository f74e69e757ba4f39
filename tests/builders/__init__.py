"""Builders of test data and helpers shared by the test packages (conftest.py files keep
only the fixtures, which call these; no test module imports another's helpers):

- ``world``: the two-organization world, members, programs, a held session;
- ``cohort``: a program's people enrolled through the services (``make_cohort``,
  ``enrol_mentee``, ...), with the application texts ``GOAL`` and ``SITUATIONS``;
- ``pair``: an approved mentorship (``make_pair``) and what its people do: schedule a
  session, give feedback, rate a skill;
- ``clients``: a signed-in test client, the HR API client;
- ``history``: a running program, approved enrolments and a mentorship's whole history;
- ``hr``: programs full of rows for the HR API (``fill``) and API keys;
- ``person``: a person with a row of every kind (privacy) and a search of their tables;
- ``pages``: checks on the HTML a test client got;
- ``browser``: what the Playwright tests do in a page (sign in, accessibility, ...).
"""
