"""The integrators' test bed: on only when FINCERT_TESTBED=1."""
