"""secretkit."""
