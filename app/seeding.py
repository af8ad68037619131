"""Seeding the data every instance needs (idempotent): the banks, the demo RP, demo customers."""

from __future__ import annotations

from app.bankdemo.customers import seed_demo_customers
from app.banks import seed_banks
from app.rp.clients import ensure_demo_client


def seed_all() -> dict[str, int]:
    """Seed everything; returns what was seeded, for the command's output."""
    counts = {"banks": seed_banks()}
    ensure_demo_client()
    counts["relying parties"] = 1
    counts["new demo bank customers"] = seed_demo_customers()
    return counts
