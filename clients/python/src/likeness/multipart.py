"""multipart/form-data encoding (RFC 7578) for the image routes, standard library only."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Union

__all__ = ["FilePart", "ImageInput", "read_image", "encode_multipart"]

ImageInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", BinaryIO]
"""An image or video: a path (str or PathLike), its bytes, or a binary file object."""


@dataclass(frozen=True)
class FilePart:
    """A file part: its bytes and the file name sent with them."""

    data: bytes
    filename: str = "upload"


def read_image(value: ImageInput, default_name: str = "upload") -> FilePart:
    """Reads an image argument: a path is opened, bytes are taken as they are, a file is read."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return FilePart(bytes(value), default_name)
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        with open(path, "rb") as handle:
            return FilePart(handle.read(), os.path.basename(path) or default_name)
    if hasattr(value, "read"):
        data = value.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("a file object given as an image must be opened in binary mode")
        name = getattr(value, "name", None)
        return FilePart(bytes(data), os.path.basename(name) if isinstance(name, str) and name else default_name)
    raise TypeError(f"an image is a path, bytes or a binary file, not {type(value).__name__}")


def _quote(value: str) -> str:
    # The HTML form encoding of names in Content-Disposition: no raw quote or line break.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(fields: Iterable[tuple[str, Union[str, FilePart]]]) -> tuple[bytes, str]:
    """The body and Content-Type of a form with these parts, in order (a name may repeat)."""
    parts = list(fields)
    boundary = f"likeness-{uuid.uuid4().hex}"
    while any(isinstance(value, FilePart) and boundary.encode() in value.data for _, value in parts):
        boundary = f"likeness-{uuid.uuid4().hex}"
    chunks: list[bytes] = []
    for name, value in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        if isinstance(value, FilePart):
            chunks.append(
                f'Content-Disposition: form-data; name="{_quote(name)}"; filename="{_quote(value.filename)}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
            )
            chunks.append(value.data)
        else:
            chunks.append(f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'.encode())
            chunks.append(value.encode("utf-8"))
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
