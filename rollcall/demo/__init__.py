"""The demo local authority: made-up people, schools and registers, generated from a seed."""
