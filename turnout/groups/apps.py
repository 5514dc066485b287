from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "turnout.groups"
    label = "groups"
