"""The client against the OpenAPI document, without a server: every operation has a method,
every model covers its schema, and the transport turns problems into the right exceptions."""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
import unittest
from email.parser import BytesParser
from email.policy import HTTP

import likeness
from likeness import Client, client_operations
from likeness.multipart import FilePart, encode_multipart

from .support import load_openapi, openapi_path, operations


class OperationCoverageTests(unittest.TestCase):
    def test_every_operation_of_the_document_has_a_client_method(self) -> None:
        document = load_openapi()
        covered = client_operations()
        missing = sorted(
            f"{operation_id} ({method} {path})"
            for (method, path), operation_id in operations(document).items()
            if (method, path) not in covered
        )
        self.assertEqual(missing, [], f"operations of {openapi_path()} without a likeness.Client method")

    def test_every_client_method_is_an_operation_of_the_document(self) -> None:
        document = operations(load_openapi())
        stray = sorted(f"{name} ({method} {path})" for (method, path), name in client_operations().items() if (method, path) not in document)
        self.assertEqual(stray, [], f"client methods for routes {openapi_path()} does not have")

    def test_every_answer_schema_has_a_model(self) -> None:
        document = load_openapi()
        modelled = {getattr(getattr(likeness.models, name), "__schema__", None) for name in likeness.models.__all__}
        answers = set()
        for path, item in document["paths"].items():
            for method, spec in item.items():
                for status, response in spec.get("responses", {}).items() if isinstance(spec, dict) else []:
                    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                    if status.startswith("2") and "$ref" in schema:
                        answers.add((schema["$ref"].rsplit("/", 1)[-1], f"{method.upper()} {path}"))
        missing = sorted(f"{name} ({route})" for name, route in answers if name not in modelled)
        self.assertEqual(missing, [], "answer schemas without a likeness.models dataclass (set its __schema__)")

    def test_every_model_covers_the_properties_of_its_schema(self) -> None:
        schemas = load_openapi()["components"]["schemas"]
        gaps = []
        for name in likeness.models.__all__:
            model = getattr(likeness.models, name)
            schema = schemas.get(getattr(model, "__schema__", None) or "")
            if not schema:
                continue
            fields = {spec.name for spec in dataclasses.fields(model)}
            unknown = set(schema.get("properties", {})) - fields
            if unknown:
                gaps.append(f"{name}: no field for {sorted(unknown)}")
        self.assertEqual(gaps, [])


class MultipartTests(unittest.TestCase):
    def test_parts_round_trip_through_a_mime_parser(self) -> None:
        body, content_type = encode_multipart(
            [("image", FilePart(b"\x00\xffbinary\r\n--", 'a "b".jpg')), ("image", FilePart(b"two", "2.jpg")), ("k", "3")]
        )
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = list(message.iter_parts())
        self.assertEqual([part.get_param("name", header="content-disposition") for part in parts], ["image", "image", "k"])
        self.assertEqual(parts[0].get_payload(decode=True), b"\x00\xffbinary\r\n--")
        self.assertEqual(parts[0].get_filename(), "a %22b%22.jpg")
        self.assertEqual(parts[2].get_content(), "3")

    def test_the_boundary_never_occurs_in_a_part(self) -> None:
        body, content_type = encode_multipart([("image", FilePart(b"likeness-" * 1000))])
        boundary = content_type.split("boundary=")[1]
        self.assertEqual(body.count(boundary.encode()), 2)


class _ProblemHandler(http.server.BaseHTTPRequestHandler):
    answers: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[tuple[str, str, dict[str, str]]] = []
    bodies: list[bytes] = []

    def _answer(self) -> None:
        status, headers, body = self.answers.get(self.path.split("?")[0], (404, {}, b""))
        type(self).seen.append((self.command, self.path, dict(self.headers)))
        length = int(self.headers.get("Content-Length") or 0)
        type(self).bodies.append(self.rfile.read(length) if length else b"")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def _problem(status: int, code: str, **extra: object) -> bytes:
    return json.dumps(
        {"type": f"urn:likeness:problem:{code}", "title": "t", "status": status, "detail": f"{code} detail", "code": code, **extra}
    ).encode()


class TransportTests(unittest.TestCase):
    """Against a stub server: statuses and headers become the documented exceptions."""

    server: http.server.ThreadingHTTPServer
    client: Client

    @classmethod
    def setUpClass(cls) -> None:
        problem = {"Content-Type": "application/problem+json", "X-Request-Id": "req-1"}
        _ProblemHandler.answers = {
            "/v1/search": (429, {**problem, "Retry-After": "3"}, _problem(429, "rate_limited")),
            "/readyz": (503, {**problem, "Retry-After": "1"}, _problem(503, "not_ready")),
            "/v1/subjects/a%2Fb": (404, problem, _problem(404, "not_found")),
            "/v1/subjects/x/faces": (
                422,
                problem,
                _problem(422, "low_quality", reasons=["face_too_small"], rejected=[{"image": "image[1]", "reasons": ["face_too_small"]}]),
            ),
            "/v1/detect": (502, {"Content-Type": "text/html"}, b"<html>bad gateway</html>"),
            "/v1/audit": (200, {"Content-Type": "application/json"}, b'{"events": [], "next": null}'),
            "/healthz": (200, {"Content-Type": "application/json"}, b"not json"),
            "/v1/redact": (
                200,
                {"Content-Type": "image/png", "Likeness-Faces-Hidden": "2", "Likeness-Faces-Kept": "1"},
                b"\x89PNG redacted",
            ),
        }
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ProblemHandler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.client = Client(f"http://127.0.0.1:{cls.server.server_address[1]}/", "lk_test", timeout=5)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.shutdown()
        cls.server.server_close()

    def test_rate_limited_carries_retry_after_and_the_request_id(self) -> None:
        with self.assertRaises(likeness.RateLimitedError) as caught:
            self.client.search(b"\xff\xd8")
        error = caught.exception
        self.assertEqual((error.status, error.code, error.retry_after, error.request_id), (429, "rate_limited", 3, "req-1"))
        self.assertEqual(error.detail, "rate_limited detail")
        self.assertEqual(error.problem["type"], "urn:likeness:problem:rate_limited")
        self.assertIsInstance(error, likeness.LikenessError)

    def test_not_ready_is_unavailable(self) -> None:
        with self.assertRaises(likeness.UnavailableError) as caught:
            self.client.ready()
        self.assertEqual((caught.exception.code, caught.exception.retry_after), ("not_ready", 1))

    def test_subject_ids_are_percent_encoded_in_the_path(self) -> None:
        with self.assertRaises(likeness.NotFoundError):
            self.client.get_subject("a/b")
        self.assertEqual(_ProblemHandler.seen[-1][1], "/v1/subjects/a%2Fb")
        self.assertEqual(_ProblemHandler.seen[-1][2]["Authorization"], "Bearer lk_test")

    def test_low_quality_names_the_rejected_images(self) -> None:
        with self.assertRaises(likeness.UnprocessableError) as caught:
            self.client.enroll("x", [b"1", b"2"], profile="lenient", quality="report")
        self.assertEqual(caught.exception.reasons, ["face_too_small"])
        self.assertEqual(caught.exception.rejected[0]["image"], "image[1]")

    def test_an_answer_that_is_not_a_problem_still_raises_by_status(self) -> None:
        with self.assertRaises(likeness.ServerError) as caught:
            self.client.detect(b"x")
        self.assertEqual((caught.exception.status, caught.exception.code), (502, "http_502"))

    def test_audit_filters_are_sent_as_declared_query_parameters(self) -> None:
        import datetime

        page = self.client.audit(
            subject="yao", action=["erase", "face.erase"], since=datetime.datetime(2026, 12, 1, 10, 0), limit=5
        )
        self.assertEqual(page.events, [])
        self.assertIsNone(page.next)
        self.assertEqual(
            _ProblemHandler.seen[-1][1],
            "/v1/audit?limit=5&subject=yao&action=erase&action=face.erase&since=2026-12-01T10%3A00%3A00Z",
        )

    def test_an_answer_that_is_not_json_is_an_invalid_response(self) -> None:
        with self.assertRaises(likeness.InvalidResponseError) as caught:
            self.client.health()
        self.assertEqual(caught.exception.code, "invalid_response")

    def test_no_server_is_a_transport_error(self) -> None:
        with self.assertRaises(likeness.TransportError) as caught:
            Client("http://127.0.0.1:9", "k", timeout=2).health()
        self.assertEqual((caught.exception.code, caught.exception.status), ("transport_error", 0))

    def test_redact_sends_subjects_comma_joined_and_reads_the_counts(self) -> None:
        redacted = self.client.redact(b"\xff\xd8", keep=["ann", "yao"], purpose="publication", margin=0.5, format="png")
        self.assertEqual(
            (redacted.content, redacted.content_type, redacted.hidden, redacted.kept), (b"\x89PNG redacted", "image/png", 2, 1)
        )
        self.assertIn("image/*", _ProblemHandler.seen[-1][2]["Accept"])
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {_ProblemHandler.seen[-1][2]['Content-Type']}\r\n\r\n".encode() + _ProblemHandler.bodies[-1]
        )
        fields = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True) for part in message.iter_parts()}
        self.assertEqual(
            fields, {"image": b"\xff\xd8", "keep": b"ann,yao", "purpose": b"publication", "margin": b"0.5", "format": b"png"}
        )

    def test_redact_refuses_a_subject_id_the_comma_list_cannot_carry(self) -> None:
        for bad in (["a,b"], [""], ["ann", 7]):
            with self.assertRaises(ValueError):
                self.client.redact(b"\xff\xd8", only=bad)  # type: ignore[arg-type]
        form = self.client._redact_form(b"x", None, None, None, [], "yao", None, None, None)
        self.assertEqual([name for name, _ in form], ["image", "only"], "no keep for an empty list; one id is a list of one")
        self.assertEqual(form[1][1], "yao")

    def test_an_image_answer_without_the_counts_is_an_invalid_response(self) -> None:
        saved = _ProblemHandler.answers["/v1/redact"]
        _ProblemHandler.answers["/v1/redact"] = (200, {"Content-Type": "image/png"}, b"png")
        try:
            with self.assertRaises(likeness.InvalidResponseError):
                self.client.redact(b"\xff\xd8")
        finally:
            _ProblemHandler.answers["/v1/redact"] = saved
