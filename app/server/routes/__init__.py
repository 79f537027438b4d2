"""The server's endpoints, one APIRouter per resource (and per fault group of faults.py):
auth, profile, library, calendar, rides, status; admin only when asked for."""
