"""Typed answers: one dataclass per schema of the OpenAPI document (`__schema__` names it).

Every model is built with `Model.from_dict(body)`; fields the server adds later are kept in
`raw` (the whole JSON object) rather than refused, and times are `datetime` (UTC).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar, Union

__all__ = [
    "Model",
    "Problem",
    "Pose",
    "QualityComponent",
    "Quality",
    "Face",
    "DuplicateFinding",
    "DetectResult",
    "VerifyResult",
    "RejectedImage",
    "EnrollResult",
    "SubjectVerifyResult",
    "Candidate",
    "SearchResult",
    "IdentifiedFace",
    "IdentifyResult",
    "CompareCandidate",
    "CompareResult",
    "VerifyPair",
    "BatchItem",
    "BatchVerifyResult",
    "ClusterFace",
    "ClusterGroup",
    "ClusterSkip",
    "ClusterResult",
    "RedactedImage",
    "RedactionTarget",
    "RedactionDetector",
    "RedactionSpan",
    "RedactionFace",
    "Redaction",
    "Flag",
    "Template",
    "Consent",
    "Subject",
    "Erasure",
    "Revocation",
    "AuditEvent",
    "AuditPage",
    "AuditProblem",
    "AuditVerification",
    "Readiness",
    "Health",
    "SubjectSummary",
    "SubjectList",
    "SubjectFaces",
    "FaceErasure",
    "DuplicateFlag",
    "DuplicateReview",
    "LivenessCheck",
    "LivenessAction",
    "LivenessVerification",
    "LivenessResult",
    "LivenessHint",
    "LivenessCaptureResult",
    "LivenessSession",
]

M = TypeVar("M", bound="Model")
Metadata = Union[dict[str, Any], None]
Decision = Literal["match", "no_match"]


def _parse_time(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            if isinstance(arg, type) and issubclass(arg, Model) and isinstance(value, dict):
                return arg.from_dict(value)
        others = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _decode(others[0], value) if len(others) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return [_decode(item, element) for element in value] if isinstance(value, list) else value
    if isinstance(tp, type):
        if issubclass(tp, Model):
            return tp.from_dict(value) if isinstance(value, dict) else value
        if tp is _dt.datetime:
            return _parse_time(value)
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    return value


@dataclass(kw_only=True)
class Model:
    """Base of the answers: `raw` is the JSON object the model was read from."""

    __schema__: ClassVar[str | None] = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls: type[M], data: dict[str, Any]) -> M:
        """Read the model from a decoded JSON object (unknown members stay in `raw`)."""
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            if spec.name == "raw" or spec.name not in data:
                continue
            values[spec.name] = _decode(hints[spec.name], data[spec.name])
        missing = [
            spec.name
            for spec in dataclasses.fields(cls)
            if spec.name not in values
            and spec.default is dataclasses.MISSING
            and spec.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise ValueError(f"{cls.__name__}: missing {', '.join(missing)}")
        return cls(raw=dict(data), **values)


@dataclass(kw_only=True)
class Problem(Model):
    """An RFC 9457 problem (an error answer, or one failed pair of a verify batch)."""

    __schema__ = "Problem"
    type: str
    title: str
    status: int
    detail: str
    code: str
    duplicates: list[DuplicateFinding] | None = None
    reasons: list[str] | None = None
    rejected: list[RejectedImage] | None = None


@dataclass(kw_only=True)
class Pose(Model):
    __schema__ = "Pose"
    yaw: float
    pitch: float
    roll: float


@dataclass(kw_only=True)
class QualityComponent(Model):
    name: str
    value: float
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Quality(Model):
    __schema__ = "Quality"
    profile: str
    score: float
    passed: bool
    reasons: list[str]
    components: list[QualityComponent]


@dataclass(kw_only=True)
class Face(Model):
    """A detected face: `box` is [min x, min y, max x, max y] in pixels."""

    __schema__ = "Face"
    box: list[float]
    score: float
    keypoints: list[list[float]]
    landmarks: list[list[float]] | None = None
    pose: Pose | None = None
    quality: Quality | None = None
    eye_openness: list[float] | None = None
    mouth_openness: float | None = None


@dataclass(kw_only=True)
class DuplicateFinding(Model):
    __schema__ = "DuplicateFinding"
    subject: str
    similarity: float


@dataclass(kw_only=True)
class DetectResult(Model):
    __schema__ = "DetectResult"
    width: int
    height: int
    faces: list[Face]


@dataclass(kw_only=True)
class VerifyResult(Model):
    __schema__ = "VerifyResult"
    similarity: float
    threshold: float
    decision: Decision
    reasons: list[str]
    faces: list[Face]
    face_counts: list[int]
    fmr: float | None = None


@dataclass(kw_only=True)
class RejectedImage(Model):
    """An image below the enrolment quality profile: its field name (`image[1]`) and why."""

    __schema__ = "RejectedImage"
    image: str
    reasons: list[str]


@dataclass(kw_only=True)
class EnrollResult(Model):
    __schema__ = "EnrollResult"
    subject: str
    status: Literal["enrolled", "flagged"]
    templates: list[int]
    duplicates: list[DuplicateFinding]
    profile: str | None = None
    quality_failures: list[RejectedImage] = field(default_factory=list)


@dataclass(kw_only=True)
class SubjectVerifyResult(Model):
    __schema__ = "SubjectVerifyResult"
    subject: str
    similarity: float
    scores: list[float]
    threshold: float
    decision: Decision
    face: Face
    fmr: float | None = None


@dataclass(kw_only=True)
class Candidate(Model):
    __schema__ = "Candidate"
    subject: str
    similarity: float
    match: bool


@dataclass(kw_only=True)
class SearchResult(Model):
    __schema__ = "SearchResult"
    candidates: list[Candidate]
    threshold: float
    face: Face
    fmr: float | None = None
    fpir: float | None = None
    gallery_size: int | None = None
    decision: Literal["match", "unknown"] | None = None


@dataclass(kw_only=True)
class IdentifiedFace(Model):
    """One face of an identify answer: searched or not (`reasons` say why not)."""

    __schema__ = "IdentifiedFace"
    box: list[float]
    score: float
    searched: bool
    reasons: list[str]
    candidates: list[Candidate]
    quality: Quality | None = None
    decision: Literal["match", "unknown"] | None = None
    subject: str | None = None
    keypoints: list[list[float]] | None = None


@dataclass(kw_only=True)
class IdentifyResult(Model):
    __schema__ = "IdentifyResult"
    gallery_size: int
    threshold: float
    faces: list[IdentifiedFace]
    faces_ignored: int
    fmr: float | None = None
    fpir: float | None = None


@dataclass(kw_only=True)
class CompareCandidate(Model):
    __schema__ = "CompareCandidate"
    face: Face
    similarity: float
    match: bool


@dataclass(kw_only=True)
class CompareResult(Model):
    """The probe's face against every face of the target (`likeness find --json`)."""

    __schema__ = "CompareResult"
    threshold: float
    probe: Face
    candidates: list[CompareCandidate]
    fmr: float | None = None


@dataclass(kw_only=True)
class VerifyPair:
    """One pair of a verify batch (images as paths, bytes or binary files)."""

    first: Any
    second: Any
    document: bool | None = None
    fmr: float | None = None


@dataclass(kw_only=True)
class BatchItem(Model):
    """One pair's answer in a verify batch: `result`, or `error` (a problem)."""

    index: int
    result: VerifyResult | None = None
    error: Problem | None = None


@dataclass(kw_only=True)
class BatchVerifyResult(Model):
    __schema__ = "BatchVerifyResult"
    results: list[BatchItem]


@dataclass(kw_only=True)
class ClusterFace(Model):
    __schema__ = "ClusterFace"
    image: int
    box: list[float]
    score: float


@dataclass(kw_only=True)
class ClusterGroup(Model):
    id: int
    photos: int
    faces: list[ClusterFace]


@dataclass(kw_only=True)
class ClusterSkip(Model):
    image: int
    code: str


@dataclass(kw_only=True)
class ClusterResult(Model):
    __schema__ = "ClusterResult"
    threshold: float
    groups: list[ClusterGroup]
    unsorted: list[ClusterFace]
    skipped: list[ClusterSkip]
    faces_ignored: int


@dataclass(frozen=True)
class RedactedImage:
    """A redacted image: its bytes and media type, and how many faces were hidden and kept
    (`POST /v1/redact`'s `Likeness-Faces-Hidden` and `Likeness-Faces-Kept`)."""

    content: bytes = field(repr=False)
    content_type: str
    hidden: int
    kept: int


@dataclass(kw_only=True)
class RedactionTarget(Model):
    """Who was to be hidden: `mode` `everyone`, `keep` or `only`, and the subjects named."""

    __schema__ = "RedactionTarget"
    mode: Literal["everyone", "keep", "only"]
    subjects: list[str]
    subjects_without_consent: list[str]
    purpose: str | None = None
    threshold: float | None = None
    fmr: float | None = None


@dataclass(kw_only=True)
class RedactionDetector(Model):
    __schema__ = "RedactionDetector"
    input_size: str
    score_threshold: float
    every: int | None = None


@dataclass(kw_only=True)
class RedactionSpan(Model):
    """Video only (the CLI's sidecar): frames a track covers and the union of its boxes."""

    __schema__ = "RedactionSpan"
    from_frame: int
    to_frame: int
    start: float
    end: float
    box: list[float]


@dataclass(kw_only=True)
class RedactionFace(Model):
    """A face and what was done with it; `box` is [min x, min y, max x, max y] before the margin."""

    __schema__ = "RedactionFace"
    action: Literal["hidden", "kept"]
    reason: str
    score: float
    box: list[float] | None = None
    subject: str | None = None
    similarity: float | None = None
    track: int | None = None
    sightings: int | None = None
    spans: list[RedactionSpan] | None = None


@dataclass(kw_only=True)
class Redaction(Model):
    """The redaction document (`RedactionDocument`): what was hidden and kept, and why.

    `image` is not part of the document: `Client.redact_report` sets it to the redacted image
    the same answer carried."""

    __schema__ = "RedactionDocument"
    kind: Literal["image", "video"]
    style: Literal["blur", "pixelate", "box"]
    margin: float
    target: RedactionTarget
    detector: RedactionDetector
    width: int
    height: int
    hidden: int
    kept: int
    faces: list[RedactionFace]
    frames: int | None = None
    frame_rate: str | None = None
    audio: bool | None = None
    frames_with_hidden_faces: int | None = None
    seconds: float | None = None
    frames_per_second: float | None = None
    image: RedactedImage | None = field(default=None, repr=False, compare=False)


@dataclass(kw_only=True)
class Flag(Model):
    __schema__ = "Flag"
    code: str
    subjects: list[DuplicateFinding]
    reviewed_at: _dt.datetime | None = None
    resolution: Literal["distinct", "same_person"] | None = None


@dataclass(kw_only=True)
class Template(Model):
    """A stored face: id, model pack, enrolment quality, creation time and flags."""

    __schema__ = "Template"
    id: int
    pack: str
    created_at: _dt.datetime
    flags: list[Flag] = field(default_factory=list)
    quality: float | None = None


@dataclass(kw_only=True)
class Consent(Model):
    __schema__ = "Consent"
    id: int
    purpose: str
    text_version: str
    text_sha256: str
    granted_at: _dt.datetime
    active: bool
    revoked_at: _dt.datetime | None = None


@dataclass(kw_only=True)
class Subject(Model):
    __schema__ = "Subject"
    id: str
    created_at: _dt.datetime
    templates: list[Template]
    consents: list[Consent]
    consent_required: bool = True
    metadata: Metadata = None
    erased_at: _dt.datetime | None = None
    purged_at: _dt.datetime | None = None


@dataclass(kw_only=True)
class Erasure(Model):
    __schema__ = "Erasure"
    subject: str
    templates_deleted: int
    purged: bool = False


@dataclass(kw_only=True)
class Revocation(Model):
    __schema__ = "Revocation"
    revoked: int
    erasure: Erasure | None = None


@dataclass(kw_only=True)
class AuditEvent(Model):
    __schema__ = "AuditEvent"
    sequence: int
    time: _dt.datetime
    actor: str
    action: str
    details: dict[str, Any]
    subject: str | None = None


@dataclass(kw_only=True)
class AuditPage(Model):
    __schema__ = "AuditPage"
    events: list[AuditEvent]
    next: int | None = None


@dataclass(kw_only=True)
class AuditProblem(Model):
    kind: str
    sequence: int
    detail: str


@dataclass(kw_only=True)
class AuditHead(Model):
    """The chain's end against the signed head anchored outside the database."""

    state: str
    sequence: int | None = None


@dataclass(kw_only=True)
class AuditVerification(Model):
    __schema__ = "AuditVerification"
    intact: bool
    events: int
    problems: list[AuditProblem]
    problems_in_other_tenants: int | None = None
    head: AuditHead | None = None


@dataclass(kw_only=True)
class Readiness(Model):
    __schema__ = "Readiness"
    status: str
    model_pack: str
    store: str
    version: str | None = None


@dataclass(kw_only=True)
class Health(Model):
    __schema__ = "Health"
    status: str


@dataclass(kw_only=True)
class SubjectSummary(Model):
    __schema__ = "SubjectSummary"
    id: str
    created_at: _dt.datetime
    faces: int
    consents: list[str]
    metadata: Metadata = None


@dataclass(kw_only=True)
class SubjectList(Model):
    __schema__ = "SubjectList"
    subjects: list[SubjectSummary]
    total: int
    next: str | None = None


@dataclass(kw_only=True)
class SubjectFaces(Model):
    __schema__ = "SubjectFaces"
    subject: str
    faces: list[Template]


@dataclass(kw_only=True)
class FaceErasure(Model):
    __schema__ = "FaceErasure"
    subject: str
    face: int
    templates_deleted: int
    purged: bool


@dataclass(kw_only=True)
class DuplicateFlag(Model):
    __schema__ = "DuplicateFlag"
    subject: str
    face: int
    created_at: _dt.datetime
    duplicates: list[DuplicateFinding]
    reviewed_at: _dt.datetime | None = None
    resolution: Literal["distinct", "same_person"] | None = None


@dataclass(kw_only=True)
class DuplicateReview(Model):
    __schema__ = "DuplicateReview"
    flags: list[DuplicateFlag]
    next: int | None = None


@dataclass(kw_only=True)
class LivenessCheck(Model):
    __schema__ = "LivenessCheck"
    name: str
    passed: bool
    value: float
    threshold: float


@dataclass(kw_only=True)
class LivenessAction(Model):
    __schema__ = "LivenessAction"
    action: str
    found: bool
    at_ms: float | None = None


@dataclass(kw_only=True)
class LivenessVerification(Model):
    __schema__ = "LivenessVerification"
    against: Literal["document", "subject"]
    similarity: float
    threshold: float
    decision: Decision
    fmr: float | None = None
    document_sha256: str | None = None


@dataclass(kw_only=True)
class LivenessResult(Model):
    __schema__ = "LivenessResult"
    session: str
    live: bool
    score: float
    checks: list[LivenessCheck]
    reasons: list[str]
    actions: list[LivenessAction]
    frames_analysed: int
    duration_ms: float
    reference: Face | None = None
    verification: LivenessVerification | None = None


@dataclass(kw_only=True)
class LivenessHint(Model):
    """What the person can do about a failed capture: a stable `code` and the sentence shown."""

    __schema__ = "LivenessHint"
    code: Literal["one_person", "keep_face_in_view", "follow_prompts", "hold_steady", "move_closer", "not_confirmed"]
    message: str


@dataclass(kw_only=True)
class LivenessCaptureResult(Model):
    """The capture token's answer to an upload: passed or failed, and hints; never the measurements
    (the backend reads those with its key: `get_liveness_session(id).result`)."""

    __schema__ = "LivenessCaptureResult"
    status: Literal["passed", "failed"]
    reasons: list[LivenessHint]
    session: str | None = None


@dataclass(kw_only=True)
class LivenessSession(Model):
    __schema__ = "LivenessSession"
    id: str
    challenge: list[str]
    instructions: list[str]
    expires_at: _dt.datetime
    state: Literal["pending", "analysing", "completed", "failed"]
    capture_token: str | None = None
    capture_url: str | None = None
    subject: str | None = None
    result: LivenessResult | None = None
    error: str | None = None
