"""Organiser URLs for announcements (included under /organise/groups/<group>/)."""

urlpatterns: list = []
