"""A public host name as a visitor types it (turnout.core.hostnames): a DNS-style name with
a dot, never an address, ``localhost``, a port, a path, a scheme or a user name."""

import pytest
from django.core.exceptions import ValidationError

from turnout.core.hostnames import clean_public_host


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("mastodon.social", "mastodon.social"),
        ("  Mastodon.Social ", "mastodon.social"),
        ("social.example.org", "social.example.org"),
        ("münchen.social", "xn--mnchen-3ya.social"),
        ("соціальна.укр", "xn--80aa6aicr0b0c1e.xn--j1amh"),
        ("a-b.co", "a-b.co"),
    ],
)
def test_a_host_name_is_kept_in_ascii(typed, host):
    assert clean_public_host(typed) == host


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type"),
        ("   ", "Type"),
        ("javascript:alert(1)", "without https://"),
        ("https://mastodon.social", "without https://"),
        ("127.0.0.1", "not an IP address"),
        ("[::1]", "not an IP address"),
        ("::1", "not an IP address"),
        ("2001:db8::1", "not an IP address"),
        ("0x7f.1", "not a server"),
        ("localhost", "not a public server"),
        ("a.localhost", "not a public server"),
        ("printer.local", "not a public server"),
        ("evil.example/../", "without a path"),
        ("mastodon.social/share", "without a path"),
        ("a" * 300, "too long"),
        ("example.org:22", "without a port"),
        ("example.org:", "without a port"),
        ("user@example.org", "not your user name"),
        ("@me@mastodon.social", "not your user name"),
        ("mastodon", "has a dot"),
        ("-bad.example.org", "not a server"),
        ("bad_name.example.org", "not a server"),
        ("a..b.org", "not a server"),
        ("mastodon.social\n", "mastodon.social"),  # a trailing line break is only space
        ("mast odon.social", "not a server"),
        ("mastodon.social\x00", "not a server"),
        (f"{'a' * 64}.org", "not a server"),
    ],
)
def test_anything_else_is_refused_with_a_reason(typed, says):
    if says == "mastodon.social":
        assert clean_public_host(typed) == says
        return
    with pytest.raises(ValidationError) as refused:
        clean_public_host(typed)
    assert says in refused.value.messages[0]
