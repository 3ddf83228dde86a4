"""Records of data moving in and out: import batches, pupils' attendance at earlier schools
(from Common Transfer Files), schools known only from CTFs, and issued attendance certificates.
All are evidence, so none is ever changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollcall.core.models import AppendOnlyModel
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil


class ImportBatch(AppendOnlyModel):
    """One file that was imported in full (refused files leave no record: nothing was stored)."""

    class Kind(models.TextChoices):
        MARKS = "marks", "Marks file"
        CTF = "ctf", "Common Transfer File"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    rows = models.PositiveIntegerField(help_text="Data rows in a marks file; pupils in a CTF.")
    marks_created = models.PositiveIntegerField(default=0)
    marks_amended = models.PositiveIntegerField(default=0)
    marks_unchanged = models.PositiveIntegerField(default=0)
    pupils_created = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=500, blank=True)
    schools = models.ManyToManyField(School, related_name="+")
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class CtfSchool(AppendOnlyModel):
    """A school rollcall knows only because a CTF named it (a previous school, often in another
    LA). Its calendar is built from the sessions imported for it (docs/ctf.md)."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="+")
    first_file_name = models.CharField(max_length=255)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "school known from a CTF"

    def __str__(self) -> str:
        return f"{self.school} (from {self.first_file_name})"


class EarlierSchoolAttendance(AppendOnlyModel):
    """A pupil's attendance at an earlier school, as one CTF `YearData` gave it: the school
    (named by LA and establishment number, since it is usually not one rollcall keeps registers
    for), the totals and the marks. It is the pupil's history, not a register: it counts only
    towards the national threshold, which runs across schools (WTISA; ADR 0009)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(
        max_length=300, help_text="Where in the file: CTfile/CTFpupilData/Pupil[1]/…/YearData[2]"
    )
    la_code = models.CharField("LA number", max_length=3)
    establishment_number = models.CharField(max_length=4)
    school_name = models.CharField(max_length=200, blank=True)
    urn = models.CharField("URN", max_length=6, blank=True, help_text="When the CTF gave one.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_possible = models.PositiveIntegerField(null=True, blank=True)
    sessions_attended = models.PositiveIntegerField(null=True, blank=True)
    sessions_authorised = models.PositiveIntegerField(null=True, blank=True)
    sessions_unauthorised = models.PositiveIntegerField(null=True, blank=True)
    # Each AttendSessions exactly as received: [[AttendanceStartDate, AttendanceMarks], …].
    attend_sessions = models.JSONField(default=list, blank=True)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pupil", "first_date", "id"]
        verbose_name = "attendance at an earlier school"
        verbose_name_plural = "attendance at earlier schools"
        indexes = [models.Index(fields=["pupil", "la_code", "establishment_number"])]

    def __str__(self) -> str:
        return f"{self.pupil_id} at {self.school_name or self.laestab} ({self.year or '?'})"

    @property
    def laestab(self) -> str:
        return f"{self.la_code}{self.establishment_number}"


class EarlierSchoolMark(AppendOnlyModel):
    """One session of an earlier school's register, decoded from `AttendanceMarks`."""

    attendance = models.ForeignKey(
        EarlierSchoolAttendance, on_delete=models.PROTECT, related_name="marks"
    )
    date = models.DateField()
    session = models.CharField(max_length=2)
    code = models.CharField(max_length=2)

    class Meta:
        ordering = ["attendance", "date", "session"]
        verbose_name = "mark at an earlier school"
        constraints = [
            models.UniqueConstraint(
                fields=["attendance", "date", "session"], name="earlier_mark_once_a_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.code}"


class Certificate(AppendOnlyModel):
    """An attendance certificate as issued: what it covered, the template, and the PDF's hash,
    so a copy produced in court can be checked against what rollcall generated."""

    reference = models.CharField(max_length=20, unique=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    first_date = models.DateField()
    last_date = models.DateField()
    template_version = models.CharField(max_length=60)
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Certificate {self.reference} for {self.pupil.upn}"
