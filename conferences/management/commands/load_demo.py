import os

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conferences import demo


def _day(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y")


def default_base_url() -> str:
    """Where scripts/run-demo.sh serves the demo (DEMO_ADDRESS, or its default)."""
    return f"http://{os.environ.get('DEMO_ADDRESS', '127.0.0.1:8000')}"


class Command(BaseCommand):
    help = (
        "Load the demo: the model conference (the 2021 mid-term review of Decision 19/2014/QĐ-TTg) "
        "with the provinces and agencies in conferences/fixtures/, invitations, delegates, papers, "
        "agenda and awards; and an upcoming conference dated from today, with invitations sent, "
        "a few answers, the RSVP and the call for papers open. Prints a link per persona. Safe to run "
        f"again. The demo accounts' password is taken from {demo.PASSWORD_ENV}; with DEBUG on it "
        f"defaults to {demo.DEFAULT_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the demo is served, for the printed links (default: http://$DEMO_ADDRESS, "
            "else http://127.0.0.1:8000, as scripts/run-demo.sh).",
        )

    def handle(self, *args, **options):
        base_url = (options["base_url"] or default_base_url()).rstrip("/")
        try:
            password = demo.demo_password()
            result = demo.load_demo(password=password, base_url=base_url)
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
        self._upcoming(result)
        self._personas(result, base_url, password)

    def _upcoming(self, result) -> None:
        upcoming = result.upcoming
        counts = demo.demo_counts(upcoming)
        if result.upcoming_created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the upcoming conference {upcoming.slug!r}."))
        else:
            self.stdout.write(f"The upcoming conference {upcoming.slug!r} exists already; nothing created.")
        self.stdout.write(
            f"  on {_day(upcoming.starts_at)}, RSVP until "
            f"{_day(upcoming.rsvp_deadline)}, papers until "
            f"{_day(upcoming.paper_deadline)}\n"
            f"  {counts['invitations']} invitations sent (letters held for approval in the outbox): "
            f"{counts['invitations_accepted']} accepted, {counts['invitations_declined']} declined; "
            f"papers in: {counts['papers']}"
        )
        if upcoming.rsvp_deadline <= timezone.now():
            self.stdout.write(
                self.style.WARNING(
                    "  its RSVP deadline has passed (it was loaded long ago): load the demo into a fresh "
                    "database for a conference dated from today."
                )
            )

    def _personas(self, result, base_url: str, password: str) -> None:
        links = result.links
        organizer, *others = result.usernames
        self.stdout.write("\nTry each persona (the demo server: make demo, or scripts/run-demo.sh):")
        self.stdout.write(f"  Organizer: {links.organizer_sign_in}  username: {organizer}")
        self.stdout.write(f"    or the admin: {base_url}/admin/")
        self.stdout.write(f"  Agency ({links.rsvp_agency}), its RSVP link: {links.rsvp or '(no letter yet)'}")
        self.stdout.write(
            f"  Delegate ({links.delegate_name}), personal page: {links.delegate or '(no delegate yet)'}"
        )
        self.stdout.write(f"  Reviewer: {links.reviewer_sign_in}  username: {links.reviewer_username}")
        if result.password_ok:
            self.stdout.write(f"  password: {password}  (for {organizer} and also for: {', '.join(others)})")
        else:
            self.stdout.write(
                self.style.WARNING("  the demo accounts' password was changed after they were created")
            )
