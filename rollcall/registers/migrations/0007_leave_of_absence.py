"""Leave of absence requests, the headteacher's decisions and the responses to each parent
(REG24 reg 11). All three are evidence a court may read: the database refuses to change or
delete them, on SQLite as on PostgreSQL (rollcall.core.evidence)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rollcall.core.evidence import guards_operation

GUARDED = (
    ("registers_leaverequest", None),
    ("registers_leavedecision", None),
    ("registers_leaveresponse", None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_school_address"),
        ("pupils", "0001_initial"),
        ("registers", "0006_evidence_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LeaveRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_day", models.DateField()),
                (
                    "first_session",
                    models.CharField(
                        choices=[("AM", "Morning"), ("PM", "Afternoon")], max_length=2
                    ),
                ),
                ("last_day", models.DateField()),
                (
                    "last_session",
                    models.CharField(
                        choices=[("AM", "Morning"), ("PM", "Afternoon")], max_length=2
                    ),
                ),
                ("reason", models.TextField()),
                ("received_on", models.DateField()),
                ("recorded_at", models.DateTimeField()),
                ("recorded_by_label", models.CharField(max_length=200)),
                (
                    "pupil",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="leave_requests",
                        to="pupils.pupil",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="leave_requests",
                        to="pupils.carer",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.school",
                    ),
                ),
            ],
            options={
                "ordering": ["-first_day", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LeaveDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[("granted", "Granted"), ("refused", "Refused")], max_length=10
                    ),
                ),
                ("first_day", models.DateField(blank=True, null=True)),
                (
                    "first_session",
                    models.CharField(
                        blank=True, choices=[("AM", "Morning"), ("PM", "Afternoon")], max_length=2
                    ),
                ),
                ("last_day", models.DateField(blank=True, null=True)),
                (
                    "last_session",
                    models.CharField(
                        blank=True, choices=[("AM", "Morning"), ("PM", "Afternoon")], max_length=2
                    ),
                ),
                ("rationale", models.TextField()),
                ("decided_on", models.DateField()),
                ("decided_by_label", models.CharField(max_length=200)),
                ("decided_by_role", models.CharField(max_length=100)),
                ("recorded_at", models.DateTimeField()),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision",
                        to="registers.leaverequest",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="LeaveResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("first_class_post", "Letter by first-class post"),
                            (
                                "email_with_written_consent",
                                "Email, with the parent's written consent",
                            ),
                            (
                                "hand_delivery_with_record",
                                "Letter handed to the parent, with a record",
                            ),
                            ("spoken", "Told by phone or in person (no letter)"),
                        ],
                        max_length=30,
                    ),
                ),
                ("told_on", models.DateField()),
                (
                    "warned_of_penalty",
                    models.BooleanField(
                        help_text="The response set out the risk of a penalty notice or prosecution."
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                ("recorded_at", models.DateTimeField()),
                ("recorded_by_label", models.CharField(max_length=200)),
                (
                    "carer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="leave_responses",
                        to="pupils.carer",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="registers.leaverequest",
                    ),
                ),
            ],
            options={
                "ordering": ["told_on", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="leaverequest",
            index=models.Index(fields=["school", "pupil"], name="registers_l_school__4a079c_idx"),
        ),
        migrations.AddConstraint(
            model_name="leaverequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("last_day__gte", models.F("first_day"))),
                name="leave_request_ends_after_start",
            ),
        ),
        migrations.AddIndex(
            model_name="leavedecision",
            index=models.Index(
                fields=["outcome", "first_day"], name="registers_l_outcome_c9271f_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="leavedecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("first_day__isnull", False),
                        ("last_day__gte", models.F("first_day")),
                        ("last_day__isnull", False),
                        ("outcome", "granted"),
                    ),
                    models.Q(
                        ("first_day__isnull", True),
                        ("last_day__isnull", True),
                        ("outcome", "refused"),
                    ),
                    _connector="OR",
                ),
                name="leave_granted_has_its_dates",
            ),
        ),
        guards_operation(GUARDED),
    ]
