"""Helpers every app shares: service-backed forms and admins, the one same-organization
guard, the one way to show a service's refusal, and the time-zone fallback."""
