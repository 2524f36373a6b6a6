"""Write the book's public addresses into _config.yml: the repository (clone address) and the site's base
URL (citation meta tags, chapter URLs, PDF link).

The publishing workflow runs this with the addresses GitHub gives it, so the published site never shows a
placeholder and nobody types an address by hand:

    python scripts/set_public_address.py --repository https://github.com/OWNER/NAME --baseurl https://OWNER.github.io/NAME/

Only the two values change; comments and layout of _config.yml are kept. An address must be https.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def set_addresses(config_text: str, *, repository: str | None = None, baseurl: str | None = None) -> str:
    """Return the _config.yml text with ``repository.url`` and/or ``html.baseurl`` replaced."""
    for name, value in (("repository", repository), ("baseurl", baseurl)):
        if value is not None and not re.fullmatch(r"https://[^\s\"']+", value):
            raise ValueError(f"{name} must be an https:// address without spaces or quotes, got {value!r}")
    if repository is not None:
        config_text, count = re.subn(r'(?m)^(repository:\n  url: )"[^"]*"', rf'\g<1>"{repository}"', config_text)
        if count != 1:
            raise ValueError('_config.yml has no `repository:` block whose first line is `  url: "..."`')
    if baseurl is not None:
        config_text, count = re.subn(r'(?ms)^(html:\n(?:  #[^\n]*\n)*  baseurl: )"[^"]*"',
                                     rf'\g<1>"{baseurl.rstrip("/")}/"', config_text)
        if count != 1:
            raise ValueError('_config.yml has no `html:` block with a `  baseurl: "..."` line')
    return config_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", help="public clone address, e.g. https://github.com/OWNER/NAME")
    parser.add_argument("--baseurl", help="public address of the built site, e.g. https://OWNER.github.io/NAME/")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    args = parser.parse_args(argv)
    text = args.config.read_text(encoding="utf-8")
    args.config.write_text(set_addresses(text, repository=args.repository, baseurl=args.baseurl), encoding="utf-8")
    print(f"{args.config}: repository.url={args.repository or '(unchanged)'} html.baseurl={args.baseurl or '(unchanged)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
