"""Find, read, merge and validate profile files."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import ValidationError

from rollcall.policies.errors import PolicyError, Problem, describe, dotted
from rollcall.policies.inheritance import merge_chain, origin
from rollcall.policies.profile import PolicyProfile
from rollcall.policies.yamlfile import YamlFile, read_yaml

PACKAGED_DIR = Path(__file__).parent / "profiles"
NATIONAL = "national"
_PROFILE_KEY = re.compile(r"^[a-z][a-z0-9-]*$")


def available_profiles() -> list[str]:
    """Keys of the packaged profiles, national first, then alphabetical."""
    keys = sorted(path.stem for path in PACKAGED_DIR.glob("*.yaml"))
    return sorted(keys, key=lambda key: key != NATIONAL)


def load_profile(key: str) -> PolicyProfile:
    """A packaged profile with its inheritance resolved; read once, then cached."""
    return _load_packaged(key)


@functools.cache
def _load_packaged(key: str) -> PolicyProfile:
    if key not in available_profiles():
        message = f"no packaged policy profile; available: {', '.join(available_profiles())}"
        raise PolicyError.single(Path(f"{key}.yaml"), "", message)
    return load_profile_file(PACKAGED_DIR / f"{key}.yaml")


def load_profile_file(path: Path) -> PolicyProfile:
    """One profile file; ``based_on`` is looked for next to it, then in the packaged profiles."""
    finder = _Finder(path.parent)
    return _build(_chain(finder.read(path), finder))


def load_profiles_from(directory: Path) -> dict[str, PolicyProfile]:
    """Validate every ``*.yaml`` in ``directory``; one PolicyError lists all problems found."""
    if not directory.is_dir():
        raise PolicyError.single(directory, "", "is not a directory")
    finder = _Finder(directory)
    profiles: dict[str, PolicyProfile] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml"), key=lambda p: (p.stem != NATIONAL, p.stem)):
        try:
            profile = _build(_chain(finder.read(path), finder))
        except PolicyError as error:
            # A broken parent is reported once, not once per child.
            problems.extend(p for p in error.problems if p not in problems)
            continue
        profiles[profile.key] = profile
    if problems:
        raise PolicyError(problems)
    return profiles


class _Finder:
    """Reads profile files by key: first in one directory, then in the packaged profiles."""

    def __init__(self, directory: Path) -> None:
        self.directories = [directory]
        if directory.resolve() != PACKAGED_DIR.resolve():
            self.directories.append(PACKAGED_DIR)
        self._files: dict[Path, YamlFile] = {}

    def read(self, path: Path) -> YamlFile:
        if path not in self._files:
            self._files[path] = read_yaml(path)
        return self._files[path]

    def find(self, key: str) -> Path | None:
        for directory in self.directories:
            candidate = directory / f"{key}.yaml"
            if candidate.is_file():
                return candidate
        return None


def _chain(file: YamlFile, finder: _Finder) -> list[YamlFile]:
    """The file, then the profile it is based on, and so on up to one with no ``based_on``."""
    chain = [file]
    while True:
        current = chain[-1]
        _check_key_matches_file(current)
        based_on = current.data.get("based_on")
        if based_on is None:
            return chain
        line = current.line_of(("based_on",))
        if not isinstance(based_on, str) or not _PROFILE_KEY.match(based_on):
            message = f"should be the key of another profile, got {based_on!r}"
            raise PolicyError.single(current.path, "based_on", message, line)
        keys = [f.path.stem for f in chain]
        if based_on in keys:
            loop = " -> ".join([*keys[keys.index(based_on) :], based_on])
            message = f"inheritance loop: {loop}"
            raise PolicyError.single(current.path, "based_on", message, line)
        parent = finder.find(based_on)
        if parent is None:
            places = " and ".join(str(d) for d in finder.directories)
            message = f"no profile {based_on!r} (looked for {based_on}.yaml in {places})"
            raise PolicyError.single(current.path, "based_on", message, line)
        chain.append(finder.read(parent))


def _check_key_matches_file(file: YamlFile) -> None:
    key = file.data.get("key")
    if isinstance(key, str) and key != file.path.stem:
        message = f"must match the file name {file.path.stem!r}, got {key!r}"
        raise PolicyError.single(file.path, "key", message, file.line_of(("key",)))


def _build(chain: list[YamlFile]) -> PolicyProfile:
    merged, problems = merge_chain(chain)
    profile: PolicyProfile | None = None
    try:
        profile = PolicyProfile.model_validate(merged)
    except ValidationError as error:
        for loc, message in describe(error, PolicyProfile):
            file = origin(chain, loc)
            problems.append(Problem(file.path, dotted(loc), message, file.line_of(loc)))
    if problems or profile is None:
        raise PolicyError(problems)
    return profile
