"""The Common Transfer File (CTF): reading and writing the parts rollcall uses (docs/ctf.md)."""
