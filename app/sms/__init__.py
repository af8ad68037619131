"""SMS gateway: an embedded outbox by default, a real HTTP provider when configured."""
