"""Organiser URLs for a group's subscribers (included under /organise/groups/<group>/)."""

urlpatterns: list = []
