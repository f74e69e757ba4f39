"""The composition layer's read models, which span the apps: the home dashboards and the
HR summary."""
