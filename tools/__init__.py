"""Developer tools (not part of the runtime product): training, evaluation and benchmarks."""
