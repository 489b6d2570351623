"""Benchmarks: `familyhub bench NAME`. They sit above every part (they drive pages, the matcher
and the outcome refresh with synthetic data) and nothing in a part imports them.

Each entry of BENCHES is (help, add_arguments(parser), handler(options, stdout)); figures they
print are recorded in docs/PERFORMANCE.md."""
