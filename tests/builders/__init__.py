"""Builders of test data and helpers shared by the test packages (conftest.py files keep
only the fixtures, which call these; no test module imports another's helpers):

- ``world``: the two-organization world, members, programs, a held session;
- ``cohort``: a program's people enrolled through the services (``make_cohort``,
  ``enrol_mentee``, ...), with the application texts ``GOAL`` and ``SITUATIONS``;
- ``pair``: an approved mentorship (``make_pair``) and what its people do: schedule a
  session, give feedback, rate a skill;
- ``clients``: a signed-in test client, the HR API client;
- ``history``: a running program, approved enrolments and a mentorship's whole history;
- ``hr``: programs full of rows for the HR API (``fill``), API keys, and letting HR see
  each mentee's progress (``allow_individual_progress``);
- ``surveys``: a program and its survey answers moved into the past, so that their
  periods are released (``close_periods``);
- ``person``: a person with a row of every kind (privacy) and a search of their tables;
- ``pages``: checks on the HTML a test client got;
- ``browser``: what the Playwright tests do in a page (sign in, accessibility, ...).
- ``sso``: organizations' identity providers against ``oidc_provider`` (a small one in
  this process) or ``oidc_node`` (panva's oidc-provider from npm, in ``tests/oidc_node/``).
"""
