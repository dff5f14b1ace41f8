"""Detection-engine tools: file commands (classify, scan, eval, bench) and model calibration.

Dev-only: the runtime engine in ``apps/conflicts/engine`` never imports this package.
"""
