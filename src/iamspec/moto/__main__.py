"""``python -m iamspec.moto [moto server options]``: moto's server with iamspec enabled.

A separate process for live-mode tests that reach IAM over HTTP (``AWS_ENDPOINT_URL_IAM``):
the options are moto's own (``--host``, ``--port``, ...), passed through unchanged.
"""

from __future__ import annotations

import sys

from moto.server import main as moto_server_main

from iamspec.moto import enable


def main(argv: list[str] | None = None) -> None:
    """Enable the plug-in, then run moto's server in this process until it is stopped."""
    enable()
    moto_server_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
