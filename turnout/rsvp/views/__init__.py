"""The RSVP pages: the attendees' (``attendees``) and the organisers' (``organise``)."""
