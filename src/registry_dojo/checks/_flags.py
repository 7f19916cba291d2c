"""Command-line flags parsed the way Docker's CLI library (spf13/pflag) parses them.

Supported forms: ``--name value``, ``--name=value``, ``-n value``, ``-nvalue``, ``-n=value``,
grouped boolean shorthands (``-aq``), ``--bool=false`` and ``--`` to end the flags. Error texts
are pflag's, so feedback matches what Docker prints.
"""

from __future__ import annotations

from collections.abc import Mapping

# Long name -> (one-letter shorthand or "", whether the flag takes a value).
FlagSpec = Mapping[str, tuple[str, bool]]
Flags = dict[str, str | bool]

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def _parse_bool(name: str, value: str, spec: FlagSpec) -> bool | str:
    """Return the boolean `value` of flag `name`, or pflag's error text if it is not one."""
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    shorthand = spec[name][0]
    flag = f"-{shorthand}, --{name}" if shorthand else f"--{name}"
    return (
        f'invalid argument "{value}" for "{flag}" flag: '
        f'strconv.ParseBool: parsing "{value}": invalid syntax'
    )


def _long(arg: str, rest: list[str], spec: FlagSpec, flags: Flags) -> str | None:
    """Parse one ``--name[=value]`` flag into `flags`; return an error text or None."""
    name, has_value, value = arg[2:].partition("=")
    if name not in spec:
        return f"unknown flag: --{name}"
    if not spec[name][1]:
        parsed = _parse_bool(name, value, spec) if has_value else True
        if isinstance(parsed, str):
            return parsed
        flags[name] = parsed
        return None
    if not has_value:
        if not rest:
            return f"flag needs an argument: --{name}"
        value = rest.pop(0)
    flags[name] = value
    return None


def _shorthands(arg: str, rest: list[str], spec: FlagSpec, flags: Flags) -> str | None:
    """Parse one group of shorthand flags (``-aq``, ``-uadmin``) into `flags`."""
    by_letter = {letter: name for name, (letter, _) in spec.items() if letter}
    letters = arg[1:]
    for position, letter in enumerate(letters):
        name = by_letter.get(letter)
        if name is None:
            return f"unknown shorthand flag: {letter!r} in {arg}"
        tail = letters[position + 1 :]
        if not spec[name][1]:
            if tail.startswith("="):
                parsed = _parse_bool(name, tail[1:], spec)
                if isinstance(parsed, str):
                    return parsed
                flags[name] = parsed
                return None
            flags[name] = True
            continue
        if tail:
            flags[name] = tail.removeprefix("=")
        elif rest:
            flags[name] = rest.pop(0)
        else:
            return f"flag needs an argument: {letter!r} in {arg}"
        return None
    return None


def parse_flags(
    args: list[str], spec: FlagSpec, *, interspersed: bool
) -> tuple[Flags, list[str]] | str:
    """Split `args` into flags and positional arguments, or return pflag's error text.

    With `interspersed` false, the first positional argument ends the flags (as for Docker's
    global options, which stop at the subcommand).
    """
    rest = list(args)
    flags: Flags = {}
    positional: list[str] = []
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            positional.extend(rest)
            break
        error = None
        if arg.startswith("--"):
            error = _long(arg, rest, spec, flags)
        elif arg.startswith("-") and arg != "-":
            error = _shorthands(arg, rest, spec, flags)
        else:
            positional.append(arg)
            if not interspersed:
                positional.extend(rest)
                break
        if error is not None:
            return error
    return flags, positional
