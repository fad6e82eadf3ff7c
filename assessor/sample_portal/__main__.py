"""python -m assessor.sample_portal --profile good --port 8443 --http-port 8080 --set flag=value ..."""

from __future__ import annotations

import argparse
import sys

from .profile import FLAGS, PROFILES, parse_overrides, resolve_profile
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assessor.sample_portal",
                                     description="Serve the sample public-service portal until Ctrl-C.")
    parser.add_argument("--profile", default="good", help=f"named profile: {', '.join(PROFILES)}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443, help="HTTPS port (0: any free port)")
    parser.add_argument("--http-port", type=int, default=8080, help="plain HTTP port (0: any free port)")
    parser.add_argument("--set", action="append", default=[], metavar="FLAG=VALUE",
                        help=f"override a defect flag (repeatable); sets are comma-separated. Flags: {', '.join(FLAGS)}")
    args = parser.parse_args(argv)
    try:
        profile = resolve_profile(args.profile, **parse_overrides(args.set))
    except ValueError as exc:
        parser.error(str(exc))
    serve(profile, args.host, args.port, args.http_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
