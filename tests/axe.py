"""axe-core for the accessibility tests, fetched from the npm registry.

Never committed: ``axe_source()`` runs ``npm pack axe-core@AXE_VERSION`` once
into a cache directory ($KEDAI_AXE_DIR, else $KEDAI_VAR_DIR/cache/npm, else
var/cache/npm), checks the tarball against the registry's pinned integrity
hash and reads ``axe.min.js`` out of it. ``make axe`` does the download
ahead of time (CI, offline runs).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

AXE_VERSION = "4.10.3"
AXE_INTEGRITY = ("sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856"
                 "dYtJYLkuIoYZvGfTs/PbZhideTcEg==")


class AxeUnavailable(RuntimeError):
    pass


def cache_dir() -> Path:
    if os.environ.get("KEDAI_AXE_DIR"):
        return Path(os.environ["KEDAI_AXE_DIR"])
    var = os.environ.get("KEDAI_VAR_DIR")
    return (Path(var) if var else Path(__file__).resolve().parent.parent / "var") \
        / "cache" / "npm"


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def axe_tarball() -> Path:
    """The checked tarball, downloaded with npm when missing."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise AxeUnavailable("npm is not installed (apt-get install npm)")
        done = subprocess.run(  # noqa: S603 - npm with a fixed package name
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination",
             str(folder), "--silent"],
            capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or not tarball.exists():
            raise AxeUnavailable(f"npm pack axe-core@{AXE_VERSION} failed: "
                                 f"{done.stderr.strip()[-500:]}")
    if _integrity(tarball) != AXE_INTEGRITY:
        tarball.unlink()
        raise AxeUnavailable(f"axe-core-{AXE_VERSION}.tgz failed its integrity check")
    return tarball


def axe_source() -> str:
    with tarfile.open(axe_tarball(), "r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise AxeUnavailable("axe.min.js missing from the tarball")
        return member.read().decode("utf-8")


if __name__ == "__main__":
    print(axe_tarball())
