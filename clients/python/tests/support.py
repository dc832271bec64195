"""What the tests share: the live server from the environment, the photos, tiny generated images."""

from __future__ import annotations

import json
import os
import struct
import unittest
import uuid
import zlib
from pathlib import Path

from likeness import Client

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[2]


def in_ci() -> bool:
    value = os.environ.get("CI", "")
    return value not in ("", "false", "0")


def openapi_path() -> Path:
    return Path(os.environ.get("LIKENESS_TEST_OPENAPI", REPOSITORY / "Sources/Service/Resources/openapi.json"))


def load_openapi() -> dict:
    with open(openapi_path(), encoding="utf-8") as handle:
        return json.load(handle)


def operations(document: dict) -> dict[tuple[str, str], str]:
    """(METHOD, path) → operationId for every operation of an OpenAPI document."""
    found = {}
    for path, item in document.get("paths", {}).items():
        for method, spec in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options") and isinstance(spec, dict):
                found[(method.upper(), path)] = spec.get("operationId", f"{method} {path}")
    return found


# Photos of four people that pass the default enrolment profile.
AARON = "Aaron_Guiel/Aaron_Guiel_0001.jpg"
ADRIANA = "Adriana_Lima/Adriana_Lima_0001.jpg"
ABDOULAYE = "Abdoulaye_Wade/Abdoulaye_Wade_0004.jpg"
ABY = "Aby_Har-Even/Aby_Har-Even_0001.jpg"
# The README's session: one photo to enrol (it passes the profile), two others of her.
ANN = "Ann_Veneman/Ann_Veneman_0002.jpg"
ANN_SELFIE = "Ann_Veneman/Ann_Veneman_0005.jpg"
ANN_PROBE = "Ann_Veneman/Ann_Veneman_0011.jpg"
ANN_SMALL = "Ann_Veneman/Ann_Veneman_0001.jpg"  # fails the default profile: face_too_small


class LiveTestCase(unittest.TestCase):
    """A test against the server scripts/python-client-check started (`LIKENESS_TEST_URL`)."""

    client: Client
    url: str
    key: str
    lfw: Path
    samples: Path

    @classmethod
    def setUpClass(cls) -> None:
        url = os.environ.get("LIKENESS_TEST_URL")
        key = os.environ.get("LIKENESS_TEST_KEY")
        lfw = Path(os.environ.get("LIKENESS_TEST_LFW", REPOSITORY.parent / "shared/data/lfw/images"))
        samples = Path(os.environ.get("LIKENESS_TEST_SAMPLES", REPOSITORY / "models/samples"))
        if not url or not key:
            if in_ci():
                raise RuntimeError("LIKENESS_TEST_URL and LIKENESS_TEST_KEY are required in CI (run scripts/python-client-check)")
            raise unittest.SkipTest("no live server: run scripts/python-client-check")
        if not (lfw / AARON).is_file():
            if in_ci():
                raise RuntimeError(f"{lfw} is missing (required in CI)")
            raise unittest.SkipTest(f"{lfw} is missing on this machine")
        cls.url, cls.key, cls.lfw, cls.samples = url, key, lfw, samples
        cls.client = Client(url, key, timeout=60)

    def photo(self, name: str) -> Path:
        return self.lfw / name

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def consented(self, subject: str) -> None:
        self.client.grant_consent(
            subject, purpose="identity_verification", text_version="v1", text="I agree to face verification."
        )


def gray_png(width: int = 64, height: int = 64, level: int = 128) -> bytes:
    """A valid PNG with no face in it (standard library only)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([level]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
