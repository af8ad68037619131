"""The service's home page, health check and bank finder."""
