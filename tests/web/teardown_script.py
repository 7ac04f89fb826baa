"""An example-style script: ``script_setup`` / ``script_teardown`` with the flags a user passes (``--serve``)."""

import argparse

import numpy as np

import rerun as rr

parser = argparse.ArgumentParser()
rr.script_add_args(parser)
args = parser.parse_args()
rr.script_setup(args, "teardown_script")
rr.log_points("world/points", np.zeros((3, 3)))
rr.script_teardown(args)
print("TEARDOWN RETURNED", flush=True)
