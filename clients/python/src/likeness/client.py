"""`Client`: one typed method per operation of the Likeness HTTP API (standard library only)."""

from __future__ import annotations

import base64
import datetime as _dt
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence, TypeVar, Union

from . import __version__
from .errors import InvalidResponseError, LikenessError, TransportError, error_for
from .models import (
    AuditEvent,
    AuditPage,
    AuditVerification,
    BatchVerifyResult,
    ClusterResult,
    CompareResult,
    Consent,
    DetectResult,
    DuplicateFlag,
    DuplicateReview,
    EnrollResult,
    Erasure,
    FaceErasure,
    Health,
    IdentifyResult,
    LivenessCaptureResult,
    LivenessResult,
    LivenessSession,
    Model,
    Readiness,
    RedactedImage,
    Redaction,
    Revocation,
    SearchResult,
    Subject,
    SubjectFaces,
    SubjectList,
    SubjectSummary,
    SubjectVerifyResult,
    VerifyPair,
    VerifyResult,
)
from .multipart import FilePart, ImageInput, encode_multipart, read_image

__all__ = ["Client", "operation", "client_operations"]

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=Model)
Field = tuple[str, Union[str, FilePart]]
Time = Union[_dt.datetime, str]
RedactStyle = Literal["blur", "pixelate", "box"]
RedactFormat = Literal["jpeg", "png", "webp"]
Subjects = Union[str, Sequence[str], None]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def operation(method: str, path: str) -> Callable[[F], F]:
    """Marks a client method as the one for `method path` of the OpenAPI document."""

    def mark(function: F) -> F:
        setattr(function, "__likeness_operation__", (method.upper(), path))
        return function

    return mark


def client_operations() -> dict[tuple[str, str], str]:
    """Every (method, path) the client covers, with the name of its method."""
    found: dict[tuple[str, str], str] = {}
    for name in dir(Client):
        route = getattr(getattr(Client, name), "__likeness_operation__", None)
        if route is not None:
            found[route] = name
    return found


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise InvalidResponseError(
                "invalid_response",
                f"the answer is not JSON: {error}",
                status=self.status,
                request_id=self.headers.get("X-Request-Id"),
            ) from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _time(value: Time) -> str:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return value


def _b64(value: ImageInput) -> str:
    return base64.b64encode(read_image(value).data).decode("ascii")


def _images(value: Union[ImageInput, Sequence[ImageInput]]) -> list[ImageInput]:
    if isinstance(value, (bytes, bytearray, memoryview, str)) or hasattr(value, "read") or hasattr(value, "__fspath__"):
        return [value]  # type: ignore[list-item]
    return list(value)


def _subject_list(name: str, subjects: Subjects) -> str | None:
    """Subject ids as the comma-joined text `keep` and `only` take (None when there are none)."""
    if subjects is None:
        return None
    ids = [subjects] if isinstance(subjects, str) else list(subjects)
    for subject in ids:
        if not isinstance(subject, str) or not subject or "," in subject:
            raise ValueError(f"{name}: a subject id must be a non-empty string without a comma, not {subject!r}")
    return ",".join(ids) if ids else None


class Client:
    """A client of one Likeness server for one API key (which fixes the tenant).

        client = Client("http://127.0.0.1:8080", api_key)
        client.grant_consent("yao", purpose="identity_verification", text_version="v1", text="I agree")
        client.enroll("yao", "yao.jpg")
        client.sign_in("yao", "selfie.jpg").decision    # "match"

    Error answers raise `LikenessError` subclasses (see `likeness.errors`); `last_request_id`
    is the `X-Request-Id` of the last answer.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        headers: Mapping[str, str] | None = None,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.last_request_id: str | None = None
        self._opener = opener or urllib.request.build_opener()

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"

    # -- transport ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Sequence[tuple[str, Any]] = (),
        body: Any = UNSET,
        form: Sequence[Field] | None = None,
        content_type: str = "application/json",
        auth: bool = True,
        capture_token: str | None = None,
        accept: str = "application/json, application/problem+json",
    ) -> _Answer:
        url = self.base_url + path
        pairs = [(name, _text(value)) for name, value in query if value is not None]
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": accept, "User-Agent": f"likeness-python/{__version__}"}
        headers.update(self.headers)
        if capture_token is not None:
            headers["X-Capture-Token"] = capture_token
        elif auth and self.api_key is not None:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data: bytes | None = None
        if form is not None:
            data, headers["Content-Type"] = encode_multipart(form)
        elif body is not UNSET:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = _Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                answer = _Answer(error.code, error.headers, error.read())
        except (urllib.error.URLError, socket.timeout, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TransportError("transport_error", f"{method} {url}: {reason}") from error
        self.last_request_id = answer.headers.get("X-Request-Id")
        if answer.status >= 400:
            raise self._error(answer)
        return answer

    @staticmethod
    def _error(answer: _Answer) -> LikenessError:
        problem: Any = None
        try:
            problem = json.loads(answer.body) if answer.body else None
        except ValueError:
            problem = None
        if not isinstance(problem, dict):
            text = answer.body[:200].decode("utf-8", "replace").strip()
            problem = {"detail": text} if text else {}
        retry_after: int | None = None
        header = answer.headers.get("Retry-After")
        if header is not None and header.strip().isdigit():
            retry_after = int(header.strip())
        return error_for(
            answer.status, problem, request_id=answer.headers.get("X-Request-Id"), retry_after=retry_after
        )

    def _model(self, model: type[M], answer: _Answer) -> M:
        data = answer.json()
        if not isinstance(data, dict):
            raise InvalidResponseError("invalid_response", f"expected a JSON object for {model.__name__}", status=answer.status)
        try:
            return model.from_dict(data)
        except (ValueError, TypeError) as error:
            raise InvalidResponseError(
                "invalid_response", str(error), status=answer.status, request_id=answer.headers.get("X-Request-Id")
            ) from None

    @staticmethod
    def _segment(value: Union[str, int]) -> str:
        return urllib.parse.quote(str(value), safe="")

    @staticmethod
    def _fields(**values: Any) -> list[Field]:
        return [(name, _text(value)) for name, value in values.items() if value is not None]

    # -- service -----------------------------------------------------------------------------

    @operation("GET", "/healthz")
    def health(self) -> Health:
        """`GET /healthz`: the process answers."""
        return self._model(Health, self._request("GET", "/healthz", auth=False))

    @operation("GET", "/readyz")
    def ready(self) -> Readiness:
        """`GET /readyz`: the model pack and the store answer (503 raises `UnavailableError`)."""
        return self._model(Readiness, self._request("GET", "/readyz", auth=False))

    @operation("GET", "/metrics")
    def metrics(self) -> str:
        """`GET /metrics`: the Prometheus text exposition (server-wide series; needs the key)."""
        return self._request("GET", "/metrics").body.decode("utf-8")

    @operation("GET", "/openapi.json")
    def openapi(self) -> dict[str, Any]:
        """`GET /openapi.json`: the server's OpenAPI 3.1 document."""
        document = self._request("GET", "/openapi.json", auth=False).json()
        return document if isinstance(document, dict) else {}

    @operation("GET", "/capture")
    def capture_page(self) -> str:
        """`GET /capture`: the HTML of the built-in liveness capture page."""
        return self._request("GET", "/capture", auth=False).body.decode("utf-8")

    @operation("GET", "/capture.js")
    def capture_script(self) -> str:
        """`GET /capture.js`: the capture page's script."""
        return self._request("GET", "/capture.js", auth=False).body.decode("utf-8")

    @operation("GET", "/")
    def landing_page(self) -> str:
        """`GET /`: the HTML of the server's landing page."""
        return self._request("GET", "/", auth=False).body.decode("utf-8")

    @operation("GET", "/docs")
    def api_reference_page(self) -> str:
        """`GET /docs`: the HTML of the API reference page (it renders `/openapi.json`)."""
        return self._request("GET", "/docs", auth=False).body.decode("utf-8")

    @operation("GET", "/console")
    def console_page(self) -> str:
        """`GET /console`: the HTML of the operator's console."""
        return self._request("GET", "/console", auth=False).body.decode("utf-8")

    @operation("GET", "/assets/{name}")
    def page_asset(self, name: str) -> bytes:
        """`GET /assets/{name}`: a script, style sheet or image of the pages."""
        return self._request("GET", f"/assets/{self._segment(name)}", auth=False).body

    # -- faces -------------------------------------------------------------------------------

    @operation("POST", "/v1/detect")
    def detect(
        self,
        image: ImageInput,
        *,
        landmarks: bool | None = None,
        profile: str | None = None,
        for_enrollment: bool | None = None,
    ) -> DetectResult:
        """`POST /v1/detect`: the faces of `image`, largest first; quality under `profile` (default
        selfie), or with `for_enrollment` under the profile this key's tenant enrols with."""
        form = [
            ("image", read_image(image)),
            *self._fields(landmarks=landmarks, profile=profile, for_enrollment=for_enrollment),
        ]
        return self._model(DetectResult, self._request("POST", "/v1/detect", form=form))

    @operation("POST", "/v1/verify")
    def verify(
        self, first: ImageInput, second: ImageInput, *, document: bool | None = None, fmr: float | None = None
    ) -> VerifyResult:
        """`POST /v1/verify`: 1:1, the largest face of each; `document` marks `first` as an ID."""
        form = [
            ("first", read_image(first, "first")),
            ("second", read_image(second, "second")),
            *self._fields(document=document, fmr=fmr),
        ]
        return self._model(VerifyResult, self._request("POST", "/v1/verify", form=form))

    @operation("POST", "/v1/verify/batch")
    def verify_batch(
        self, pairs: Iterable[Union[VerifyPair, tuple[ImageInput, ImageInput], Mapping[str, Any]]]
    ) -> BatchVerifyResult:
        """`POST /v1/verify/batch`: several 1:1 pairs, each with its own `result` or `error`.

        A pair is a `VerifyPair`, a `(first, second)` tuple or a mapping with `first`,
        `second` and optionally `document` and `fmr`."""
        encoded: list[dict[str, Any]] = []
        for pair in pairs:
            if isinstance(pair, VerifyPair):
                item = {"first": pair.first, "second": pair.second, "document": pair.document, "fmr": pair.fmr}
            elif isinstance(pair, tuple):
                item = {"first": pair[0], "second": pair[1]}
            else:
                item = dict(pair)
            entry: dict[str, Any] = {"first": _b64(item["first"]), "second": _b64(item["second"])}
            for name in ("document", "fmr"):
                if item.get(name) is not None:
                    entry[name] = item[name]
            encoded.append(entry)
        return self._model(BatchVerifyResult, self._request("POST", "/v1/verify/batch", body={"pairs": encoded}))

    @operation("POST", "/v1/search")
    def search(
        self, image: ImageInput, *, k: int | None = None, fmr: float | None = None, fpir: float | None = None
    ) -> SearchResult:
        """`POST /v1/search`: 1:N, the largest face of `image` against the tenant's gallery."""
        form = [("image", read_image(image)), *self._fields(k=k, fmr=fmr, fpir=fpir)]
        return self._model(SearchResult, self._request("POST", "/v1/search", form=form))

    @operation("POST", "/v1/identify")
    def identify(
        self,
        image: ImageInput,
        *,
        k: int | None = None,
        fmr: float | None = None,
        fpir: float | None = None,
        max_faces: int | None = None,
        min_face_size: float | None = None,
    ) -> IdentifyResult:
        """`POST /v1/identify`: every face of `image` searched (or listed with why not)."""
        form = [
            ("image", read_image(image)),
            *self._fields(k=k, fmr=fmr, fpir=fpir, max_faces=max_faces, min_face_size=min_face_size),
        ]
        return self._model(IdentifyResult, self._request("POST", "/v1/identify", form=form))

    @operation("POST", "/v1/compare")
    def compare(self, probe: ImageInput, target: ImageInput, *, fmr: float | None = None) -> CompareResult:
        """`POST /v1/compare`: the probe's face against every face of `target` (`likeness find`)."""
        form = [
            ("probe", read_image(probe, "probe")),
            ("target", read_image(target, "target")),
            *self._fields(fmr=fmr),
        ]
        return self._model(CompareResult, self._request("POST", "/v1/compare", form=form))

    @operation("POST", "/v1/cluster")
    def cluster(
        self, images: Union[ImageInput, Sequence[ImageInput]], *, threshold: float | None = None
    ) -> ClusterResult:
        """`POST /v1/cluster`: group the faces of the photos by person (nothing is stored)."""
        form: list[Field] = [("image", read_image(image, f"image{i}")) for i, image in enumerate(_images(images))]
        form += self._fields(threshold=threshold)
        return self._model(ClusterResult, self._request("POST", "/v1/cluster", form=form))

    # -- footage -----------------------------------------------------------------------------

    def _redact_form(
        self,
        image: ImageInput,
        answer: str | None,
        style: str | None,
        margin: float | None,
        keep: Subjects,
        only: Subjects,
        purpose: str | None,
        fmr: float | None,
        format: str | None,
    ) -> list[Field]:
        return [
            ("image", read_image(image)),
            *self._fields(
                style=style,
                margin=margin,
                keep=_subject_list("keep", keep),
                only=_subject_list("only", only),
                purpose=purpose,
                fmr=fmr,
                format=format,
                answer=answer,
            ),
        ]

    @operation("POST", "/v1/redact")
    def redact(
        self,
        image: ImageInput,
        *,
        style: RedactStyle | None = None,
        margin: float | None = None,
        keep: Subjects = None,
        only: Subjects = None,
        purpose: str | None = None,
        fmr: float | None = None,
        format: RedactFormat | None = None,
    ) -> RedactedImage:
        """`POST /v1/redact`: the photo with faces hidden, and how many were hidden and kept.

        Every face by default; with `keep` (subject ids, and the consent `purpose` they must
        have active) every face but theirs; with `only`, just theirs. `format` defaults to the
        input's (PNG when it is not JPEG, PNG or WebP). Video redaction is CLI only
        (`likeness redact`)."""
        form = self._redact_form(image, None, style, margin, keep, only, purpose, fmr, format)
        answer = self._request("POST", "/v1/redact", form=form, accept="image/*, application/problem+json")
        content_type = (answer.headers.get("Content-Type") or "").split(";")[0].strip()
        counts = [answer.headers.get(name, "").strip() for name in ("Likeness-Faces-Hidden", "Likeness-Faces-Kept")]
        if not content_type.startswith("image/") or not all(count.isdigit() for count in counts):
            raise InvalidResponseError(
                "invalid_response",
                f"expected an image with Likeness-Faces-Hidden and -Kept, got {content_type or 'no Content-Type'}",
                status=answer.status,
                request_id=answer.headers.get("X-Request-Id"),
            )
        return RedactedImage(content=answer.body, content_type=content_type, hidden=int(counts[0]), kept=int(counts[1]))

    def redact_report(
        self,
        image: ImageInput,
        *,
        style: RedactStyle | None = None,
        margin: float | None = None,
        keep: Subjects = None,
        only: Subjects = None,
        purpose: str | None = None,
        fmr: float | None = None,
        format: RedactFormat | None = None,
    ) -> Redaction:
        """`POST /v1/redact` with `answer=json`: the redaction document (every face, hidden or
        kept, with its reason), its `image` the redacted image. Same fields as `redact`."""
        form = self._redact_form(image, "json", style, margin, keep, only, purpose, fmr, format)
        answer = self._request("POST", "/v1/redact", form=form)
        data = answer.json()
        try:
            if not isinstance(data, dict) or not isinstance(data.get("redaction"), dict):
                raise ValueError("expected a JSON object with a redaction object")
            redaction = Redaction.from_dict(data["redaction"])
            redaction.image = RedactedImage(
                content=base64.b64decode(data["image"], validate=True),
                content_type=str(data["content_type"]),
                hidden=redaction.hidden,
                kept=redaction.kept,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidResponseError(
                "invalid_response",
                f"not a redaction answer: {error}",
                status=answer.status,
                request_id=answer.headers.get("X-Request-Id"),
            ) from None
        return redaction

    # -- subjects ----------------------------------------------------------------------------

    def _subject_path(self, subject: str, *rest: str) -> str:
        return "/v1/subjects/" + self._segment(subject) + "".join("/" + part for part in rest)

    @operation("POST", "/v1/subjects")
    def create_subject(self, id: str, *, metadata: Mapping[str, Any] | None = UNSET) -> Subject:
        """`POST /v1/subjects`: a new subject (409 `already_exists` raises `ConflictError`)."""
        body: dict[str, Any] = {"id": id}
        if metadata is not UNSET:
            body["metadata"] = None if metadata is None else dict(metadata)
        return self._model(Subject, self._request("POST", "/v1/subjects", body=body))

    @operation("GET", "/v1/subjects")
    def list_subjects(
        self, *, prefix: str | None = None, after: str | None = None, limit: int | None = None
    ) -> SubjectList:
        """`GET /v1/subjects`: one page of live subjects, sorted by id; `next` is the next `after`."""
        query = [("prefix", prefix), ("after", after), ("limit", limit)]
        return self._model(SubjectList, self._request("GET", "/v1/subjects", query=query))

    def iter_subjects(self, *, prefix: str | None = None, limit: int | None = None) -> Iterator[SubjectSummary]:
        """Every live subject (matching `prefix`), page after page of `limit`."""
        after: str | None = None
        while True:
            page = self.list_subjects(prefix=prefix, after=after, limit=limit)
            yield from page.subjects
            if not page.next or page.next == after or not page.subjects:
                return
            after = page.next

    @operation("GET", "/v1/subjects/{id}")
    def get_subject(self, id: str) -> Subject:
        """`GET /v1/subjects/{id}`: metadata, templates (no vectors) and consents."""
        return self._model(Subject, self._request("GET", self._subject_path(id)))

    @operation("PATCH", "/v1/subjects/{id}")
    def update_subject(self, id: str, *, metadata: Mapping[str, Any] | None) -> Subject:
        """`PATCH /v1/subjects/{id}`: replace the metadata object (None clears it)."""
        body = {"metadata": None if metadata is None else dict(metadata)}
        return self._model(Subject, self._request("PATCH", self._subject_path(id), body=body))

    @operation("DELETE", "/v1/subjects/{id}")
    def delete_subject(self, id: str) -> Erasure:
        """`DELETE /v1/subjects/{id}`: erase the subject, its templates and consents."""
        return self._model(Erasure, self._request("DELETE", self._subject_path(id)))

    @operation("POST", "/v1/subjects/{id}/consents")
    def grant_consent(
        self, subject: str, *, purpose: str, text_version: str, text: str, evidence: str | None = None
    ) -> Consent:
        """`POST /v1/subjects/{id}/consents`: record a consent (idempotent per purpose and version)."""
        body: dict[str, Any] = {"purpose": purpose, "text_version": text_version, "text": text}
        if evidence is not None:
            body["evidence"] = evidence
        return self._model(Consent, self._request("POST", self._subject_path(subject, "consents"), body=body))

    @operation("DELETE", "/v1/subjects/{id}/consents")
    def revoke_consent(self, subject: str, *, purpose: str) -> Revocation:
        """`DELETE /v1/subjects/{id}/consents?purpose=P`: revoke; `erasure` when that erased it."""
        answer = self._request("DELETE", self._subject_path(subject, "consents"), query=[("purpose", purpose)])
        return self._model(Revocation, answer)

    @operation("POST", "/v1/subjects/{id}/faces")
    def enroll(
        self,
        subject: str,
        images: Union[ImageInput, Sequence[ImageInput]],
        *,
        purpose: str | None = None,
        policy: Literal["reject", "enroll_and_flag"] | None = None,
        profile: str | None = None,
        quality: Literal["enforce", "report"] | None = None,
    ) -> EnrollResult:
        """`POST /v1/subjects/{id}/faces`: enrol one image or several (paths, bytes or files)."""
        form: list[Field] = [("image", read_image(image, f"image{i}")) for i, image in enumerate(_images(images))]
        form += self._fields(purpose=purpose, policy=policy, profile=profile, quality=quality)
        return self._model(EnrollResult, self._request("POST", self._subject_path(subject, "faces"), form=form))

    @operation("GET", "/v1/subjects/{id}/faces")
    def faces(self, subject: str) -> SubjectFaces:
        """`GET /v1/subjects/{id}/faces`: the subject's faces with their flags."""
        return self._model(SubjectFaces, self._request("GET", self._subject_path(subject, "faces")))

    @operation("DELETE", "/v1/subjects/{id}/faces/{face}")
    def delete_face(self, subject: str, face: int) -> FaceErasure:
        """`DELETE /v1/subjects/{id}/faces/{face}`: erase one face; the subject stays."""
        path = self._subject_path(subject, "faces", self._segment(face))
        return self._model(FaceErasure, self._request("DELETE", path))

    @operation("POST", "/v1/subjects/{id}/verify")
    def sign_in(self, subject: str, image: ImageInput, *, fmr: float | None = None) -> SubjectVerifyResult:
        """`POST /v1/subjects/{id}/verify`: face sign-in against the subject's templates."""
        form = [("image", read_image(image)), *self._fields(fmr=fmr)]
        return self._model(SubjectVerifyResult, self._request("POST", self._subject_path(subject, "verify"), form=form))

    # -- audit and review --------------------------------------------------------------------

    @operation("GET", "/v1/audit")
    def audit(
        self,
        *,
        after: int | None = None,
        limit: int | None = None,
        subject: str | None = None,
        action: Union[str, Sequence[str], None] = None,
        since: Time | None = None,
        until: Time | None = None,
    ) -> AuditPage:
        """`GET /v1/audit`: one page of the tenant's audit events, oldest first, filtered."""
        query: list[tuple[str, Any]] = [("after", after), ("limit", limit), ("subject", subject)]
        actions = [action] if isinstance(action, str) else list(action or [])
        query += [("action", name) for name in actions]
        query += [("since", _time(since) if since is not None else None), ("until", _time(until) if until is not None else None)]
        return self._model(AuditPage, self._request("GET", "/v1/audit", query=query))

    @operation("GET", "/v1/audit/verify")
    def verify_audit(self) -> AuditVerification:
        """`GET /v1/audit/verify`: whether the audit chain is intact; the breaks at this tenant's events."""
        return self._model(AuditVerification, self._request("GET", "/v1/audit/verify"))

    def iter_audit(
        self,
        *,
        after: int | None = None,
        limit: int | None = None,
        subject: str | None = None,
        action: Union[str, Sequence[str], None] = None,
        since: Time | None = None,
        until: Time | None = None,
    ) -> Iterator[AuditEvent]:
        """Every audit event (after `after`) that matches the filters, page after page."""
        while True:
            page = self.audit(after=after, limit=limit, subject=subject, action=action, since=since, until=until)
            yield from page.events
            if page.next is None or not page.events or page.next == after:
                return
            after = page.next

    @operation("GET", "/v1/review/duplicates")
    def review_duplicates(self, *, after: int | None = None, limit: int | None = None) -> DuplicateReview:
        """`GET /v1/review/duplicates`: one page of open possible-duplicate flags."""
        answer = self._request("GET", "/v1/review/duplicates", query=[("after", after), ("limit", limit)])
        return self._model(DuplicateReview, answer)

    def iter_duplicates(self, *, limit: int | None = None) -> Iterator[DuplicateFlag]:
        """Every open possible-duplicate flag, page after page."""
        after: int | None = None
        while True:
            page = self.review_duplicates(after=after, limit=limit)
            yield from page.flags
            if page.next is None or not page.flags or page.next == after:
                return
            after = page.next

    @operation("POST", "/v1/review/duplicates/{face}/resolve")
    def resolve_duplicate(self, face: int, resolution: Literal["distinct", "same_person"]) -> DuplicateFlag:
        """`POST /v1/review/duplicates/{face}/resolve`: mark a flag reviewed (nothing is merged)."""
        path = f"/v1/review/duplicates/{self._segment(face)}/resolve"
        return self._model(DuplicateFlag, self._request("POST", path, body={"resolution": resolution}))

    # -- liveness ----------------------------------------------------------------------------

    @operation("POST", "/v1/liveness/sessions")
    def create_liveness_session(
        self,
        *,
        actions: int | None = None,
        subject: str | None = None,
        allowed_actions: Sequence[str] | None = None,
    ) -> LivenessSession:
        """`POST /v1/liveness/sessions`: a challenge, a capture token and the capture page's URL."""
        body: dict[str, Any] = {}
        if actions is not None:
            body["actions"] = actions
        if subject is not None:
            body["subject"] = subject
        if allowed_actions is not None:
            body["allowed_actions"] = list(allowed_actions)
        return self._model(LivenessSession, self._request("POST", "/v1/liveness/sessions", body=body))

    @operation("GET", "/v1/liveness/sessions/{id}")
    def get_liveness_session(self, id: str, *, capture_token: str | None = None) -> LivenessSession:
        """`GET /v1/liveness/sessions/{id}`: state, and with the key the `result` or `error`."""
        path = "/v1/liveness/sessions/" + self._segment(id)
        return self._model(LivenessSession, self._request("GET", path, capture_token=capture_token))

    @operation("POST", "/v1/liveness/sessions/{id}/video")
    def upload_liveness_video(
        self,
        id: str,
        video: ImageInput,
        *,
        document: ImageInput | None = None,
        capture_token: str | None = None,
    ) -> LivenessResult | LivenessCaptureResult:
        """`POST /v1/liveness/sessions/{id}/video`: upload the recording once.

        With the API key, the whole decision (`LivenessResult`); with `capture_token`, what the
        browser may know (`LivenessCaptureResult`: passed or failed, and hints)."""
        form: list[Field] = [("video", read_image(video, "video"))]
        if document is not None:
            form.append(("document", read_image(document, "document")))
        path = "/v1/liveness/sessions/" + self._segment(id) + "/video"
        answer = self._request("POST", path, form=form, capture_token=capture_token)
        return self._model(LivenessCaptureResult if capture_token is not None else LivenessResult, answer)
