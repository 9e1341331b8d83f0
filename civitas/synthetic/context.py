"""What the synthetic-city generator hands to each app's `synthetic.populate(ctx)`.

The core generator builds divisions, buildings, properties, rooms and people; then every installed
app that has a `synthetic.py` with `populate(ctx)` adds its own data (declarations, ledgers, cases…)
in the order of INSTALLED_APPS. Everything derives from `ctx.rng`, so a seed reproduces the city.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    where: str
    note: str = ""


@dataclass
class SeedContext:
    seed: int
    residents: int
    today: datetime.date
    rng: random.Random
    accounts: list[DemoAccount] = field(default_factory=list)
    # Filled by the core generator, for apps to build on (ids are database ids):
    tenant_rooms: dict[int, int] = field(default_factory=dict)  # tenant person id -> room id (small cities only)
    landlord_ids: list[int] = field(default_factory=list)
    foreigner_ids: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    demo_password: str = "Civitas-2026!"
    large: bool = False  # True for benchmark-size cities: apps add only what is cheap in bulk

    def add_account(self, user: Any, note: str = "") -> None:
        where = user.division.name if getattr(user, "division", None) else ""
        self.accounts.append(DemoAccount(user.username, self.demo_password, user.get_role_display(), where, note))
