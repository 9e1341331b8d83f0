"""Models of the mediation app."""
