import os

from django.core.asgi import get_asgi_application

from config.local_dirs import ensure_local_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()
ensure_local_dirs()  # WhiteNoise warns on every request while STATIC_ROOT is missing.
