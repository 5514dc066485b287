"""A Mastodon-shaped server for the end-to-end federation test (issue 21, first "Done
when"): its own process (``python -m tests.federation.peer --host 127.0.0.2 --port N
--state DIR``), its own RSA key and ``Person`` actor, and nothing of Turnout's code.

What it does, and where Mastodon does the same (mastodon/mastodon):

- following a group: ``client.follow`` resolves ``slug@host:port`` by WebFinger and
  checks the subject (app/services/resolve_account_service.rb, app/lib/webfinger.rb),
  fetches the actor with ``Accept: application/activity+json``
  (app/services/activitypub/fetch_remote_account_service.rb) and POSTs a ``Follow``
  signed with draft-cavage over ``(request-target) host date digest``
  (app/lib/request.rb), by the ``httpsig`` library, never by turnout.federation;
- its inbox (``inbox.verify``) checks every POST as
  app/controllers/concerns/signature_verification.rb does: a Signature header, the
  headers it must cover, ``Date`` within 12 hours, ``Digest`` equal to the body's, the
  key fetched from its ``keyId`` and owned by the activity's actor, and the signature
  itself (``httpsig`` again);
- what it then does with each activity (``timeline.apply``): an ``Accept`` of its
  Follow (app/lib/activitypub/activity/accept.rb), a ``Create`` of a Note or of a
  converted type such as ``Event`` (activity/create.rb; app/lib/activitypub/activity.rb
  ``CONVERTED_TYPES``; parser/status_parser.rb), an ``Update`` of a post it holds
  (activity/update.rb) and a ``Delete`` (activity/delete.rb).

Every POST to its inboxes is written, verified or refused with the reason, as one JSON
line to ``DIR/received.jsonl``; the test reads that file (tests/federation/peer/
harness.py) and drives the peer through ``/_control/`` requests.
"""
