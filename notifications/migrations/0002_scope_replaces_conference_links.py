# The outbox stops pointing at conference tables: the conference, person and agency of a
# notice become an opaque scope ("conference:<id>") and recipient reference ("person:<id>").

from django.db import migrations, models


def links_to_scope(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.exclude(
        conference_id=None, recipient_person_id=None, recipient_organization_id=None
    ).only("pk", "conference_id", "recipient_person_id", "recipient_organization_id")
    batch = []
    for row in rows.iterator(chunk_size=2000):
        row.scope = f"conference:{row.conference_id}" if row.conference_id else ""
        if row.recipient_person_id:
            row.recipient_ref = f"person:{row.recipient_person_id}"
        elif row.recipient_organization_id:
            row.recipient_ref = f"organization:{row.recipient_organization_id}"
        batch.append(row)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["scope", "recipient_ref"])
            batch = []
    Notification.objects.bulk_update(batch, ["scope", "recipient_ref"])


def scope_to_links(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.exclude(scope="", recipient_ref="").iterator(chunk_size=2000):
        if row.scope.startswith("conference:"):
            row.conference_id = int(row.scope.split(":", 1)[1])
        kind, _, pk = row.recipient_ref.partition(":")
        if kind == "person":
            row.recipient_person_id = int(pk)
        elif kind == "organization":
            row.recipient_organization_id = int(pk)
        row.save(update_fields=["conference", "recipient_person", "recipient_organization"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="recipient_ref",
            field=models.CharField(blank=True, max_length=100, verbose_name="recipient reference"),
        ),
        migrations.AddField(
            model_name="notification",
            name="scope",
            field=models.CharField(blank=True, max_length=100, verbose_name="scope"),
        ),
        migrations.RunPython(links_to_scope, scope_to_links),
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_conf_state_idx",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="conference",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="recipient_organization",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="recipient_person",
        ),
        migrations.AlterField(
            model_name="notification",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["scope", "state"], name="notification_scope_state_idx"),
        ),
    ]
