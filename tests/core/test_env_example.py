import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_turnout_variable_the_code_reads_is_documented_in_env_example():
    documented = set(
        re.findall(r"^#?\s*(TURNOUT_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    read = set()
    for path in (ROOT / "turnout").rglob("*.py"):
        if path.name == "test_settings.py":  # the tests' own switches
            continue
        read |= set(
            re.findall(
                r"""environ(?:\.get)?\(?\[?\s*["'](TURNOUT_[A-Z0-9_]+)["']""", path.read_text()
            )
        )
    assert read, "found no variables: the pattern is wrong"
    assert sorted(read - documented) == []
