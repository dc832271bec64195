"""Errors: every problem+json answer is raised as a `LikenessError` subclass chosen by status."""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "LikenessError",
    "TransportError",
    "InvalidResponseError",
    "ValidationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RequestTimeoutError",
    "ConflictError",
    "GoneError",
    "PayloadTooLargeError",
    "UnsupportedMediaError",
    "UnprocessableError",
    "RateLimitedError",
    "ServerError",
    "UnavailableError",
    "error_for",
]


class LikenessError(Exception):
    """An error answer of the service (or a failure to reach it).

    `code` is the problem's stable code (match on it), `status` the HTTP status (0 when no
    answer came), `detail` the human text, `problem` the whole problem body, `request_id` the
    answer's `X-Request-Id` (quote it when reporting a failure) and `retry_after` the seconds of
    `Retry-After`, when the answer had one.
    """

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        status: int = 0,
        problem: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}" if status else f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.status = status
        self.problem: dict[str, Any] = dict(problem or {})
        self.request_id = request_id
        self.retry_after = retry_after

    @property
    def title(self) -> str | None:
        """The problem's `title` (the HTTP reason phrase)."""
        title = self.problem.get("title")
        return title if isinstance(title, str) else None

    @property
    def type(self) -> str | None:
        """The problem's `type` URN (`urn:likeness:problem:<code>`)."""
        value = self.problem.get("type")
        return value if isinstance(value, str) else None


class TransportError(LikenessError):
    """No HTTP answer: the connection failed or timed out (`code` `transport_error`)."""


class InvalidResponseError(LikenessError):
    """An answer that is not the documented shape (`code` `invalid_response`)."""


class ValidationError(LikenessError):
    """400: a malformed request (`validation_failed`)."""


class AuthenticationError(LikenessError):
    """401: no key, or an unknown or revoked one (`unauthorized`)."""


class PermissionDeniedError(LikenessError):
    """403: the key may not ask for this (`override_not_allowed`)."""


class NotFoundError(LikenessError):
    """404: no such subject, face, consent, flag, session or route (`not_found`)."""


class RequestTimeoutError(LikenessError):
    """408: the body did not arrive in time (`request_timeout`)."""


class ConflictError(LikenessError):
    """409: `already_exists`, `consent_required`, `possible_duplicate`, `session_used`."""

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        """With `possible_duplicate`: the subjects the face matched (`subject`, `similarity`)."""
        value = self.problem.get("duplicates")
        return list(value) if isinstance(value, list) else []


class GoneError(LikenessError):
    """410: the liveness session expired (`session_expired`)."""


class PayloadTooLargeError(LikenessError):
    """413: `payload_too_large`, `image_too_large`, `video_too_long`."""


class UnsupportedMediaError(LikenessError):
    """415: `unsupported_media_type` or `unsupported_format` (not an image the service reads)."""


class UnprocessableError(LikenessError):
    """422: `no_face`, `low_quality`, `image_unreadable`, `image_too_small`, `video_unreadable`."""

    @property
    def reasons(self) -> list[str]:
        """With `low_quality`: why the face failed the quality profile."""
        value = self.problem.get("reasons")
        return [str(reason) for reason in value] if isinstance(value, list) else []

    @property
    def rejected(self) -> list[dict[str, Any]]:
        """With `low_quality`: each rejected image (`image`, `reasons`)."""
        value = self.problem.get("rejected")
        return list(value) if isinstance(value, list) else []


class RateLimitedError(LikenessError):
    """429: the key is over its rate (`rate_limited`); retry after `retry_after` seconds."""


class ServerError(LikenessError):
    """500: `internal_error`, `store_error`, `index_error`, `data_tampered`, `invalid_key`."""


class UnavailableError(LikenessError):
    """503: `overloaded`, `store_unavailable`, `model_unavailable`, `not_ready`; see `retry_after`."""


_BY_STATUS: dict[int, type[LikenessError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    410: GoneError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaError,
    422: UnprocessableError,
    429: RateLimitedError,
    500: ServerError,
    503: UnavailableError,
}


def error_for(
    status: int,
    problem: Mapping[str, Any] | None,
    *,
    request_id: str | None = None,
    retry_after: int | None = None,
) -> LikenessError:
    """The exception for an error answer: its class by status (then by family), its code and
    detail from the problem body (`http_<status>` when the body is not a problem)."""
    body = dict(problem or {})
    code = body.get("code") if isinstance(body.get("code"), str) else f"http_{status}"
    detail = body.get("detail") if isinstance(body.get("detail"), str) else f"HTTP {status}"
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else LikenessError)
    return cls(
        str(code), str(detail), status=status, problem=body, request_id=request_id, retry_after=retry_after
    )
