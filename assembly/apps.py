from django.apps import AppConfig

# The past demo assembly's event (assembly/demo.py), which the agenda's demo
# keeps (load_demo reads `demo_event_slugs`).
PAST_DEMO_SLUG = "assemblee-generale-demo-passee"


class AssemblyConfig(AppConfig):
    name = "assembly"
    verbose_name = "assemblées générales"
    demo_event_slugs = (PAST_DEMO_SLUG,)
