"""A bare Django prototype of the RSVP flow, the reference for bench/rsvp_rush.py.

No Turnout code: its own settings, URLs, three models, one view and one template.
The page's GET is one SELECT and a small template with the form and its CSRF token;
the POST validates the name and email minimally, then in one transaction locks the
event row (``select_for_update``), counts the seats taken and the waitlist, inserts a
registration (waitlisted when full) and one outbox row, and renders a small page.
"""
