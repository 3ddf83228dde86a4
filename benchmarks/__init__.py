"""rollcall's benchmarks. Run `make bench`; each prints its figures."""
