"""storyline: a sourced, structured record of a pile of news reports."""
__version__ = "0.1.0"
