from django.db import migrations, models
from django.db.models import F


def versions_published_before_were_prepared(apps, schema_editor):
    # Before this field, publishing built the notices in the request: every existing version is done.
    AgendaVersion = apps.get_model("conferences", "AgendaVersion")
    AgendaVersion.objects.filter(prepared_at__isnull=True).update(prepared_at=F("published_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0007_audit_delegate_record_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaversion",
            name="prepared_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="prepared at"),
        ),
        migrations.RunPython(versions_published_before_were_prepared, migrations.RunPython.noop),
    ]
