"""MIS integration accounts made before they had a role of their own held the teacher role:
they take the MIS integration role, which the register lock holds to its own rule."""

from django.db import migrations


def integration_role(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Membership = apps.get_model("accounts", "Membership")
    users = ApiToken.objects.filter(kind="integration").values("user_id")
    Membership.objects.filter(user_id__in=users, role="teacher").update(role="mis_integration")


def teacher_role(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Membership = apps.get_model("accounts", "Membership")
    users = ApiToken.objects.filter(kind="integration").values("user_id")
    Membership.objects.filter(user_id__in=users, role="mis_integration").update(role="teacher")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0002_mis_integration_role"),
    ]

    operations = [migrations.RunPython(integration_role, teacher_role)]
