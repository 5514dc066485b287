"""A bare Django prototype of the RSVP flow, the reference for bench/rsvp_rush.py.

No Turnout code: its own settings, URLs, three models, two views and two templates.
The page's GET is one SELECT and a small template with the form and its CSRF token;
the POST validates the name and email minimally, then in one transaction locks the
event row (``select_for_update``), counts the seats taken and the waitlist, inserts a
registration (waitlisted when full) and one outbox row, and renders a small page.

For bench/public_pages.py, ``/`` is the bare page view: one SELECT of up to 20 events
and a small template listing them, no form.
"""
