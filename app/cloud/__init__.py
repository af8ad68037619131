"""The cloud key store: subscribers, their certificates, sealed private keys, PIN rules."""
