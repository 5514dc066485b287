"""ActivityPub: each group an actor that Mastodon and Mobilizon users can follow, its
published meetings sent to them as Events (issue 21; docs/federation.md).

Only groups and their published, listed meetings leave the server: never attendees,
organisers, drafts, unlisted meetings or online links.
"""
