from django.urls import path

from turnout.rsvp.views import public as views

app_name = "rsvp"
urlpatterns = [
    path("rsvp/<str:token>/", views.registration_page, name="registration"),
    path("rsvp/<str:token>/confirm/", views.confirm, name="confirm"),
    path("rsvp/<str:token>/cancel/", views.cancel, name="cancel"),
    path("rsvp/<str:token>/details/", views.change_details, name="details"),
    path("rsvp/<str:token>/erase/", views.erase, name="erase"),
    path("rsvp/<str:token>/event.ics", views.calendar_file, name="calendar"),
]
