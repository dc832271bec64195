"""Extracts OpenVINO's C library, CPU plugin, ONNX reader and C headers from its PyPI wheel.

Usage: prepare_runtime.py MANIFEST_JSON WHEEL OUT_DIR

The wheel is checked against the SHA-256 in MANIFEST_JSON (a mismatch is fatal); OUT_DIR gets
lib/ (the files the manifest names), include/openvino/c/ and a copy of the manifest.
"""
import hashlib, json, os, shutil, sys, zipfile


def main():
    manifest_path, wheel, out = sys.argv[1:4]
    manifest = json.load(open(manifest_path))
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if digest != manifest["wheel_sha256"]:
        sys.exit(f"prepare_runtime: {os.path.basename(wheel)} has SHA-256 {digest}, expected {manifest['wheel_sha256']}")
    os.makedirs(os.path.join(out, "lib"), exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for library in manifest["lib"]:
            member = f"openvino/libs/{library}"
            if member not in names:
                sys.exit(f"prepare_runtime: the wheel has no {member}")
            with archive.open(member) as source, open(os.path.join(out, "lib", library), "wb") as target:
                shutil.copyfileobj(source, target)
        prefix = manifest["include"]
        headers = [n for n in names if n.startswith(prefix) and n.endswith(".h")]
        if not headers:
            sys.exit(f"prepare_runtime: the wheel has no headers under {prefix}")
        for member in headers:
            target = os.path.join(out, "include", "openvino", "c", member[len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as out_file:
                shutil.copyfileobj(source, out_file)
    shutil.copyfile(manifest_path, os.path.join(out, "manifest.json"))


if __name__ == "__main__":
    main()
