import io
import subprocess
import tempfile

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space made one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_fonts(content: bytes) -> list[dict[str, str]]:
    """``pdffonts``' table: one dict per font (name, emb, ...)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        lines = subprocess.run(
            ["pdffonts", file.name], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        fields = line.split()
        # name type... encoding emb sub uni object ID: read from the right.
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows
