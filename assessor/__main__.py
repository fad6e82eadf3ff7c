"""`python -m assessor` is the same as the `assessor` command."""

from assessor.cli import app

app(prog_name="assessor")
