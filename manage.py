#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line

    from config.local_dirs import ensure_local_dirs

    django.setup()
    ensure_local_dirs()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
