"""Pages of the residence app: tenant check-in (no account), landlord workbench, officer views."""
