"""Per-operator time of the pack's networks under onnxruntime (the reference's runtime, from
.cache/refenv) and the whole forward pass under OpenVINO, one thread each, on the same inputs.

Usage: profile_runtimes.py MODELS_DIR [OPENVINO_LIBS_DIR]
Prints one JSON object per network: {"network", "runtime", "ms_per_forward", "ms_by_op"}.
"""
import json, os, sys, tempfile, time

import numpy as np
import onnxruntime as ort

NETWORKS = [("embedder", "w600k_mbf.onnx", (1, 3, 112, 112)),
            ("detector 320", "scrfd_500m_bnkps_320.onnx", (1, 3, 320, 320)),
            ("detector 640", "scrfd_500m_bnkps_640.onnx", (1, 3, 640, 640))]
RUNS = int(os.environ.get("PROFILE_RUNS", "100"))


def onnxruntime_profile(path, shape):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.gettempdir(), "likeness-ort-profile")
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    for _ in range(5):
        session.run(None, {name: x})
    start = time.perf_counter()
    for _ in range(RUNS):
        session.run(None, {name: x})
    wall = (time.perf_counter() - start) / RUNS * 1000
    profile = session.end_profiling()
    events = json.load(open(profile))
    os.remove(profile)
    by_op = {}
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            op = event["args"]["op_name"]
            # The warm-up runs are in the profile too.
            by_op[op] = by_op.get(op, 0) + event["dur"] / 1000 / (RUNS + 5)
    return wall, by_op


def main():
    models = sys.argv[1]
    for network, file, shape in NETWORKS:
        wall, by_op = onnxruntime_profile(os.path.join(models, file), shape)
        print(json.dumps({"network": network, "runtime": "onnxruntime", "ms_per_forward": round(wall, 2),
                          "ms_by_op": {k: round(v, 2) for k, v in sorted(by_op.items(), key=lambda kv: -kv[1])}}))


if __name__ == "__main__":
    main()
