"""The performance harness (issue 12): `make bench`, `make bench-smoke`; see bench/README.md."""
