import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings")
django_application = get_wsgi_application()

from civitas.fastlane import FastLane  # noqa: E402  # after Django is set up

# The hot machine requests answered in front of Django's full request cycle (see civitas/fastlane.py).
application = FastLane(django_application)
