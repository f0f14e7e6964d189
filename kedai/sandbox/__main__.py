"""``python -m kedai.sandbox [--port 8001]``: serve every simulator."""

import argparse

from kedai.sandbox.server import SandboxServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    server = SandboxServer(args.host, args.port)
    print(f"Kedai sandbox at {server.url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
