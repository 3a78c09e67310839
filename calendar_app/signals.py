"""Signals other apps listen to: calendar_app never imports the apps above it
(tests/test_import_graph.py), they hook their own data on its events."""

from django.dispatch import Signal

# Sent by Event.duplicate() with original= and copy= (both saved): the apps
# that hang data on an event copy theirs (registrations: its settings, days
# and rates).
event_duplicated = Signal()

# Sent by Event.save() when a saved event's status or dates changed, with
# event= (saved) and before= (Schedule: what they were when it was read):
# registrations tells the registrants of a cancelled or postponed event.
event_rescheduled = Signal()
