"""nearer: guided rituals that help two people grow closer, in the terminal."""

__version__ = "0.1.0"
