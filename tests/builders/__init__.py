"""Builders of test data, shared by the test packages (conftest.py files keep only the
fixtures, which call these):

- ``world``: the two-organization world, members, programs, a held session;
- ``clients``: a signed-in test client, the HR API client;
- ``history``: a running program, approved enrolments and a mentorship's whole history;
- ``hr``: programs full of rows for the HR API (``fill``) and API keys;
- ``person``: a person with a row of every kind (privacy) and a search of their tables.
"""
