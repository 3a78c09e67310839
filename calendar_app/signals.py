"""Signals other apps listen to: calendar_app never imports the apps above it
(tests/test_import_graph.py), they hook their own data on its events."""

from django.dispatch import Signal

# Sent by Event.duplicate() with original= and copy= (both saved): the apps
# that hang data on an event copy theirs (registrations: its settings, days
# and rates).
event_duplicated = Signal()
