"""Turn figures and records into what each attendance page shows, so templates hold no logic."""
