"""Embedding parity between likeness and the reference recipe (../shared/reference/refpipe.py).

Usage: parity.py LIKENESS_BINARY LFW_IMAGES_DIR [COUNT]
Runs both on the first COUNT images (sorted paths) and compares embeddings where both chose
the same face (box IoU >= 0.5). Prints min / median cosine for two likeness configurations:
the reference's own recipe (640 input, largest face) and likeness's defaults.
"""
import glob, json, os, subprocess, sys

import cv2
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "reference"))
from refpipe import Detector, Embedder, align, largest  # noqa: E402

binary, root = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
files = sorted(glob.glob(os.path.join(root, "**", "*.jpg"), recursive=True))[:count]

det, emb = Detector(1), Embedder(1)
reference = {}
for f in files:
    img = cv2.imread(f)
    boxes, _, kps = det.detect(img)
    if len(boxes):
        i = largest(boxes)
        reference[f] = (boxes[i], emb.embed(align(img, kps[i])))


def iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0]); h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def compare(label, extra):
    out = subprocess.run([binary, "embed", "--json", *extra, *files], capture_output=True, text=True)
    sims, different_face, missing = [], 0, 0
    for line in out.stdout.splitlines():
        r = json.loads(line)
        if "faces" not in r or r["image"] not in reference:
            missing += 1
            continue
        face = r["faces"][0]
        ref_box, ref_vec = reference[r["image"]]
        if iou(face["face"]["box"], ref_box) < 0.5:
            different_face += 1
            continue
        sims.append(float(np.dot(np.array(face["embedding"], dtype=np.float64), ref_vec)))
    sims = np.array(sims)
    print(f"{label}: images={len(files)} compared={len(sims)} other_face={different_face} "
          f"missing={missing} min={sims.min():.4f} median={np.median(sims):.4f} "
          f"below_0.99={(sims < 0.99).sum()}")
    return sims


a = compare("reference recipe (--detector-size 640 --select largest)", ["--detector-size", "640", "--select", "largest"])
b = compare("likeness defaults (--detector-size auto --select largest)", [])
if a.min() < 0.99:
    sys.exit("parity: an embedding differs from the reference (cosine < 0.99) with the reference's own recipe")
