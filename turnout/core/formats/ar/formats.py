"""Arabic with Western digits, as the Mashriq and Sudan write it: "1,000,000" and "2.5".
Django's ``ar`` groups no digits and has the Maghreb's separators ("." and ",")."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
