import os

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from conferences import demo


class Command(BaseCommand):
    help = (
        "Load the demo conference (the 2021 mid-term review of Decision 19/2014/QĐ-TTg) with the "
        "provinces and agencies in conferences/fixtures/, invitations, delegates, papers, agenda and "
        "awards. Safe to run again. The demo accounts' password is taken from "
        f"{demo.PASSWORD_ENV}; with DEBUG on it defaults to {demo.DEFAULT_PASSWORD!r}."
    )

    def handle(self, *args, **options):
        try:
            password = demo.demo_password()
            result = demo.load_demo(password=password)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] == 0:
            return

        conference = result.conference
        counts = demo.demo_counts(conference)
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo conference {conference.slug!r}."))
        else:
            self.stdout.write(f"The demo conference {conference.slug!r} exists already; nothing created.")
        self.stdout.write(
            f"  {counts['provinces']} provinces, {counts['organizations']} organizations\n"
            f"  {counts['invitations']} invitations: {counts['invitations_accepted']} accepted, "
            f"{counts['invitations_declined']} declined, {counts['invitations_sent']} unanswered\n"
            f"  {counts['registrations']} registrations, {counts['papers']} papers, "
            f"{counts['agenda_items']} agenda items, {counts['awards']} awards"
        )
        address = os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000")
        organizer, *others = result.usernames
        self.stdout.write(f"Admin: http://{address}/admin/  username: {organizer}")
        if result.password_ok:
            self.stdout.write(f"  password: {password}  (also for: {', '.join(others)})")
        else:
            self.stdout.write(
                self.style.WARNING("  the demo accounts' password was changed after they were created")
            )
