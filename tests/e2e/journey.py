"""A persona's walk through the site, page by page: every page it lands on is checked by axe-core
and photographed, so the walk leaves a record a reviewer can look through.

The screenshots go to $HOINGHI_SCREENSHOTS/<persona>/ (default: var/screenshots/<persona>/), named
in the order the pages were seen, beside `axe.txt`, which lists every page with its axe-core
result (violations of every impact, so that minor ones are on record too). A failing test adds
`failure.png`, the page as it was when the test failed.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.conftest import BLOCKING_IMPACTS, axe_violations, describe_violations


def screenshot_root() -> Path:
    return Path(os.environ.get("HOINGHI_SCREENSHOTS", settings.VAR_DIR / "screenshots"))


@dataclass
class Journey:
    page: object
    persona: str
    directory: Path
    seen: list[tuple[str, str, list[dict]]] = field(default_factory=list)

    def visit(self, name: str) -> None:
        """Record the page as it is now: axe-core must find nothing serious or critical on it."""
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=self.directory / f"{len(self.seen) + 1:02d}-{slug}.png", full_page=True)
        self.seen.append((name, self.page.url, violations))
        self._write_axe_log()
        blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(
                f"axe-core found accessibility violations on {name!r}:\n"
                + describe_violations(self.page.url, blocking)
            )

    def _write_axe_log(self) -> None:
        lines = []
        for number, (name, url, violations) in enumerate(self.seen, start=1):
            summary = ", ".join(f"{v['impact']} {v['id']}" for v in violations) or "no violations"
            lines.append(f"{number:02d} {name} <{url}>: {summary}")
        (self.directory / "axe.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
