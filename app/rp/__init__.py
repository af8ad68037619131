"""Relying parties: registration, SDK keys bound to origins, one-time nonces, the RP API."""
