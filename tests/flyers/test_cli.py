"""``turnout flyer GROUP/EVENT -o file.pdf [--size A4|A5]``."""

import io

import pytest
from pypdf import PdfReader

from tests.flyers.helpers import pdf_text
from turnout import cli


def test_turnout_flyer_writes_the_pdf_in_the_size_asked(event, tmp_path):
    out = tmp_path / "flyer.pdf"

    code = cli.main(["flyer", f"uig/{event.slug}", "-o", str(out), "--size", "A5"])

    assert code == 0
    (page,) = PdfReader(io.BytesIO(out.read_bytes())).pages
    assert round(float(page.mediabox.width)) == 420
    assert "What internationalism means" in pdf_text(out.read_bytes())


@pytest.mark.parametrize("target", ["uig/no-such-event", "no-such-group/x", "uig", ""])
def test_turnout_flyer_of_an_unknown_event_says_so_with_exit_code_2(
    event, tmp_path, capsys, target
):
    out = tmp_path / "flyer.pdf"

    code = cli.main(["flyer", target, "-o", str(out)])

    assert code == 2
    assert f"turnout flyer: no event {target!r}" in capsys.readouterr().err
    assert not out.exists()


def test_turnout_flyer_of_an_unknown_size_lists_the_sizes_with_exit_code_2(event, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["flyer", f"uig/{event.slug}", "-o", str(tmp_path / "f.pdf"), "--size", "Letter2"])

    assert exit.value.code == 2
    err = capsys.readouterr().err  # argparse's wording; its quotes vary with Python
    assert "turnout flyer: error: argument --size: invalid choice: 'Letter2'" in err
    assert "A4" in err.splitlines()[-1] and "A5" in err.splitlines()[-1]


def test_turnout_flyer_into_a_missing_folder_says_so_with_exit_code_2(event, tmp_path, capsys):
    code = cli.main(["flyer", f"uig/{event.slug}", "-o", str(tmp_path / "nope" / "f.pdf")])

    assert code == 2
    assert "turnout flyer: cannot write" in capsys.readouterr().err
