"""Models of the residence app."""
