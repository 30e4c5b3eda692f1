#!/usr/bin/env python3
"""python_classify.py - classify profiles with the Python bindings.

    AIPOLICY_LIB=lib/.libs/libaipolicy.so AIPOLICY_DATA=data \\
        python3 examples/python_classify.py [--date D] [--lang en|fr] \\
        [--json|--compact] PROFILE...

Without --json it prints a summary per regulation. With --json the output is
byte for byte that of `aipolicy classify --json` (bindings/test-identity.sh).
"""

import argparse
import pathlib
import sys

try:
    import aipolicy
except ModuleNotFoundError:  # not installed: use the source tree's package
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]
                           / "bindings" / "python"))
    import aipolicy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date")
    parser.add_argument("--lang", default="en", choices=["en", "fr"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--compact", action="store_true")
    parser.add_argument("profiles", nargs="+", metavar="PROFILE")
    args = parser.parse_args()

    status = 0
    with aipolicy.KnowledgeBase.load() as kb:  # $AIPOLICY_DATA or installed
        for path in args.profiles:
            try:
                result = kb.classify_file(path, date=args.date, lang=args.lang,
                                          pretty=not args.compact)
            except aipolicy.Error as e:
                print(e, file=sys.stderr)  # file:line:column: path: message
                status = 1
                continue
            if args.json or args.compact:
                sys.stdout.buffer.write(result.json_bytes)
                continue
            print(f"{path} (as of {result.provenance.as_of})")
            for reg in result.regulations:
                tier = reg.dimension("tier")
                fine = (f", fines up to {reg.penalty.ceiling} "
                        f"{reg.penalty.currency}" if reg.penalty else "")
                print(f"  {reg.id:<10} {reg.applicability.status}, tier "
                      f"{tier.label if tier else '-'}, "
                      f"{len(reg.obligations)} obligations{fine}")
            if result.missing_facts:
                print(f"  next question: {result.missing_facts[0].question}")
    return status


if __name__ == "__main__":
    sys.exit(main())
