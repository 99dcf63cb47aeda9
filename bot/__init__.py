"""The podiatry triage assistant's own code: clinical logic, storage, channels and web."""
