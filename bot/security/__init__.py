"""Access control shared by the channels, the launcher and the action server (docs/security.md)."""
