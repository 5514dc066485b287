"""The organisers' registration pages, under /organise/groups/<group>/events/<event>/."""

from django.urls import path

from turnout.rsvp.views import organise as views

urlpatterns = [
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/add/", views.add, name="registration_add"),
    path("registrations/export.csv", views.export, name="registration_export"),
    path("registrations/capacity/", views.capacity, name="registration_capacity"),
    path("registrations/<int:registration>/remove/", views.remove, name="registration_remove"),
]
