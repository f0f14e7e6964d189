"""The lock files agree with pyproject.toml (run `make lock` if not)."""

import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)$")
LOCKED = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", re.M)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement!r} is not pinned exactly"
        pins[_norm(match[1])] = match[2]
    return pins


def _locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {_norm(n): v for n, v in LOCKED.findall(text)}


def test_each_lock_file_holds_every_pin_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    shop = _pins(project["dependencies"] + extras["postgres"] + extras["redis"]
                 + extras["stripe"])
    dev = _pins(extras["dev"])
    run_lock, dev_lock = _locked("run.txt"), _locked("dev.txt")
    assert {n: run_lock.get(n) for n in shop} == shop
    assert {n: dev_lock.get(n) for n in shop | dev} == shop | dev
    # The shop runs on exactly the versions the tests ran on.
    assert {n: dev_lock.get(n) for n in run_lock} == run_lock
    assert not set(dev) & set(run_lock), "run.txt must hold no dev tools"
