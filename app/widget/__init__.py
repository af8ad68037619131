"""The login / signing / issuance widget: one blueprint, one server-side flow per transaction."""
