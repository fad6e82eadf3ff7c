"""`python -m assessor` is the same as the `assessor` command."""

from assessor.cli import app

if __name__ == "__main__":  # as a program only, never on import
    app(prog_name="assessor")
