"""The audit log: who changed what, signed in or exported, when and from where."""
