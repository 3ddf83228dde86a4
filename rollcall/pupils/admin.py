from django.contrib import admin

from rollcall.pupils.models import Carer, CarerLink, Enrolment, Family, Pupil


class CarerLinkInline(admin.TabularInline):
    model = CarerLink
    extra = 0
    autocomplete_fields = ("carer",)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ("upn", "legal_surname", "legal_forename", "date_of_birth", "sen_provision")
    list_filter = ("sen_provision", "free_school_meals", "looked_after", "child_in_need")
    search_fields = ("upn", "legal_surname", "legal_forename")
    inlines = [CarerLinkInline, EnrolmentInline]


@admin.register(Carer)
class CarerAdmin(admin.ModelAdmin):
    list_display = ("surname", "forename", "mobile_phone", "email", "email_letters_consent_on")
    search_fields = ("surname", "forename", "email")


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    search_fields = ("reference", "postcode")
