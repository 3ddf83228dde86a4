"""Items for 10 school days' continuous absence and Ground I were dated on the run's first
day; the trigger is reached, and now dated, on its 10th (20th) school day (REG24 regs 9 and
13). Move existing items to that day, so the next sweep finds them listed and adds no second
item for the same run. A school day is a day on which the pupil has a session held (a mark
other than # or Y4), as the engine counts them."""

from __future__ import annotations

from django.db import migrations

RUN_DAYS = {"continuous_absence": 10, "ground_i": 20}
NOT_HELD = ("#", "Y4")


def forwards(apps, schema_editor):
    WorklistItem = apps.get_model("analytics", "WorklistItem")
    Mark = apps.get_model("registers", "Mark")
    items = WorklistItem.objects.filter(kind__in=list(RUN_DAYS)).order_by("id")
    for item in items.iterator():
        days = (
            Mark.objects.filter(pupil_id=item.pupil_id, date__gte=item.met_on)
            .exclude(code__in=NOT_HELD)
            .values_list("date", flat=True)
            .distinct()
            .order_by("date")[: RUN_DAYS[item.kind]]
        )
        days = list(days)
        if len(days) < RUN_DAYS[item.kind]:
            continue
        last = days[-1]
        taken = WorklistItem.objects.filter(pupil_id=item.pupil_id, kind=item.kind, met_on=last)
        if last != item.met_on and not taken.exists():
            WorklistItem.objects.filter(pk=item.pk).update(met_on=last)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("analytics", "0002_worklist_withdrawn"),
        ("registers", "0001_initial"),  # the marks (date, code) as first recorded
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
