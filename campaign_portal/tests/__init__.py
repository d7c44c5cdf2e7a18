"""Project-level tests: security suite, permission matrix, fuzzing, faults."""
