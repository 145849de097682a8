"""Vendor NAV's design system CSS (@navikt/ds-css) and its font into web/static/vendor (`make vendor-css`).

Why: pages must not load anything from outside (no CDN, no font host), so the package's files are copied in with
the version in the file name. `npm pack` fetches the tarballs from the npm registry; only a developer runs this.
Aksel's own index.css declares its font from NAV's CDN, so the vendored file is the package's parts without
global/fonts, and the font comes from @fontsource-variable/source-sans-3 under the family name Aksel asks for.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

WEB = Path(__file__).parent
VENDOR = WEB / "static" / "vendor"
TEMPLATING = WEB / "templating.py"
# index.css is these, in this order, plus global/fonts (left out).
AKSEL_PARTS = ("global/reset", "global/tokens", "global/baseline", "global/print", "components")
FONT_SUBSETS = ("latin", "latin-ext")  # bokmål needs no more; other scripts fall back to the system font


def _unpack(package: str, version: str, into: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", "--silent", f"{package}@{version}"],
        cwd=into,
        check=True,
        capture_output=True,
        text=True,
    )
    target = into / package.replace("/", "_")
    with tarfile.open(into / out.stdout.strip().splitlines()[-1]) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def vendor_aksel(version: str, work: Path) -> str:
    dist = _unpack("@navikt/ds-css", version, work) / "dist"
    name = f"navikt-ds-css-{version}.min.css"
    parts = [(dist / f"{p}.min.css").read_text() for p in AKSEL_PARTS]
    css = f"/*! @navikt/ds-css {version} (MIT, see navikt-ds-css.LICENSE) */\n" + "\n".join(parts) + "\n"
    if re.search(r"url\(\s*[\"']?(https?:)?//", css):
        raise SystemExit("the Aksel CSS refers to an outside URL: check what the package added")
    for old in VENDOR.glob("navikt-ds-css-*.min.css"):
        old.unlink()
    (VENDOR / name).write_text(css)
    return name


def vendor_font(version: str, work: Path) -> None:
    pkg = _unpack("@fontsource-variable/source-sans-3", version, work)
    fonts = VENDOR / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for old in fonts.glob("source-sans-3-*.woff2"):
        old.unlink()
    rules = []
    for style, css_file in (("normal", "wght.css"), ("italic", "wght-italic.css")):
        blocks = re.findall(
            r"/\* source-sans-3-([a-z-]+)-wght-\w+ \*/\s*(@font-face\s*\{[^}]*\})",
            (pkg / css_file).read_text(),
        )
        for subset, block in blocks:
            if subset not in FONT_SUBSETS:
                continue
            file = f"source-sans-3-{subset}-wght-{style}.woff2"
            shutil.copy(pkg / "files" / file, fonts / file)
            block = block.replace("'Source Sans 3 Variable'", '"Source Sans 3"').replace("./files/", "")
            rules.append(block.replace("format('woff2-variations')", "format('woff2')"))
    shutil.copy(pkg / "LICENSE", fonts / "source-sans-3.LICENSE")
    header = (
        f"/* Source Sans 3 (Adobe, SIL OFL 1.1, see source-sans-3.LICENSE) from @fontsource-variable/source-sans-3 "
        f"{version},\n   named as Aksel asks for it. Written by web/vendor_css.py. */\n"
    )
    (fonts / "source-sans-3.css").write_text(header + "\n".join(rules) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aksel", required=True, help="@navikt/ds-css version")
    parser.add_argument("--font", required=True, help="@fontsource-variable/source-sans-3 version")
    args = parser.parse_args()
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        name = vendor_aksel(args.aksel, Path(tmp))
        vendor_font(args.font, Path(tmp))
    text = TEMPLATING.read_text()
    TEMPLATING.write_text(
        re.sub(r'^AKSEL_CSS = ".*"$', f'AKSEL_CSS = "vendor/{name}"', text, count=1, flags=re.M)
    )
    print(f"vendored {name} and Source Sans 3 {args.font} into {VENDOR}")


if __name__ == "__main__":
    main()
