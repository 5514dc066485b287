"""The composition layer, on top of every other app: the URL configuration and the
pages that show several apps at once.

"/", a group's public page, the meeting page (its GET and the RSVP form's POST), the
organiser's group page and the organiser's meeting page put together what the apps
below them read and write; no other app imports this one.
"""
