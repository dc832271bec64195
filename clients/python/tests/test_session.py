"""A real session against the live server: consent, enrolment of LFW photos, sign-in, search,
identification, verification, gallery management, audit, review, liveness, errors and erasure.

A route missing from the server answers 404 for its path, which fails its test (never a skip)."""

from __future__ import annotations

import datetime

import likeness
from likeness import VerifyPair

from .support import ABDOULAYE, ABY, ADRIANA, AARON, ANN, ANN_PROBE, ANN_SELFIE, ANN_SMALL, REPOSITORY, LiveTestCase, gray_png, load_openapi, operations


class ServiceTests(LiveTestCase):
    def test_health_and_readiness(self) -> None:
        self.assertEqual(self.client.health().status, "ok")
        ready = self.client.ready()
        self.assertEqual((ready.status, ready.store), ("ready", "ok"))
        self.assertTrue(ready.model_pack)
        self.assertTrue(ready.version)
        self.assertIn("likeness_http_requests_total", self.client.metrics())

    def test_the_served_document_has_a_client_method_for_every_operation(self) -> None:
        covered = likeness.client_operations()
        served = operations(self.client.openapi())
        self.assertEqual(sorted(f"{op} ({m} {p})" for (m, p), op in served.items() if (m, p) not in covered), [])
        self.assertEqual(served, operations(load_openapi()), "the server's /openapi.json differs from the repository's")


class SessionTests(LiveTestCase):
    def test_the_readme_session(self) -> None:
        subject = self.unique("ann")
        created = self.client.create_subject(subject, metadata={"customer": 42})
        self.assertEqual((created.id, created.metadata, created.templates), (subject, {"customer": 42}, []))
        self.assertIsInstance(created.created_at, datetime.datetime)

        consent = self.client.grant_consent(
            subject, purpose="identity_verification", text_version="v1", text="I agree to face verification."
        )
        self.assertTrue(consent.active)
        self.assertEqual(len(consent.text_sha256), 64)

        enrolled = self.client.enroll(subject, self.photo(ANN))
        self.assertEqual((enrolled.subject, enrolled.status, len(enrolled.templates)), (subject, "enrolled", 1))

        signed_in = self.client.sign_in(subject, self.photo(ANN_SELFIE).read_bytes())
        self.assertEqual((signed_in.subject, signed_in.decision), (subject, "match"))
        self.assertGreater(signed_in.similarity, signed_in.threshold)
        self.assertLess(signed_in.similarity, 0.99, "another photo of her, not the enrolled one")
        stranger = self.client.sign_in(subject, self.photo(AARON), fmr=1e-5)
        self.assertEqual((stranger.decision, stranger.fmr), ("no_match", 1e-5))

        with open(self.photo(ANN_PROBE), "rb") as handle:
            found = self.client.search(handle, k=3)
        self.assertEqual(found.candidates[0].subject, subject)
        self.assertTrue(found.candidates[0].match)

        same = self.client.verify(self.photo(ANN), self.photo(ANN_SELFIE))
        other = self.client.verify(self.photo(ANN), self.photo(ADRIANA), fmr=1e-3)
        self.assertEqual((same.decision, other.decision), ("match", "no_match"))
        self.assertEqual(other.fmr, 1e-3)
        self.assertEqual(len(other.faces), 2)
        self.assertIsNotNone(other.faces[0].quality)

        held = self.client.get_subject(subject)
        self.assertEqual([template.id for template in held.templates], enrolled.templates)
        self.assertEqual([c.purpose for c in held.consents], ["identity_verification"])

        erased = self.client.delete_subject(subject)
        self.assertEqual((erased.subject, erased.templates_deleted), (subject, 1))
        with self.assertRaises(likeness.NotFoundError) as caught:
            self.client.get_subject(subject)
        self.assertEqual(caught.exception.code, "not_found")
        self.assertNotIn(subject, [c.subject for c in self.client.search(self.photo(ANN_PROBE)).candidates])

    def test_detect_and_cluster(self) -> None:
        detected = self.client.detect(self.photo(ADRIANA))
        self.assertGreater(detected.width, 0)
        self.assertGreaterEqual(len(detected.faces), 1)
        face = detected.faces[0]
        self.assertEqual((len(face.box), len(face.keypoints)), (4, 5))
        self.assertIsNotNone(face.pose)
        plain = self.client.detect(self.photo(ADRIANA), landmarks=False)
        self.assertIsNone(plain.faces[0].landmarks)
        checked = self.client.detect(self.photo(ADRIANA), profile="enrollment")
        self.assertEqual(checked.faces[0].quality.profile, "enrollment")
        policy = self.client.detect(self.photo(ADRIANA), for_enrollment=True)
        self.assertEqual(policy.faces[0].quality.profile, "enrollment")
        with self.assertRaises(likeness.ValidationError) as refused:
            self.client.detect(self.photo(ADRIANA), profile="no-such-profile")
        self.assertIn("enrollment", refused.exception.detail)

        groups = self.client.cluster([self.photo(AARON), self.photo(ADRIANA), self.photo(AARON).read_bytes()])
        self.assertEqual(len(groups.groups), 1)
        self.assertEqual(sorted(f.image for f in groups.groups[0].faces), [0, 2])
        self.assertEqual(groups.skipped, [])

    def test_consent_lifecycle(self) -> None:
        subject = self.unique("consent")
        first = self.client.grant_consent(subject, purpose="identity_verification", text_version="v1", text="yes")
        again = self.client.grant_consent(subject, purpose="identity_verification", text_version="v1", text="yes")
        self.assertEqual(first.id, again.id, "granting the same purpose and version twice is one record")
        with self.assertRaises(likeness.NotFoundError) as caught:
            self.client.revoke_consent(subject, purpose="marketing")
        self.assertEqual(caught.exception.code, "not_found")
        self.assertEqual(self.client.get_subject(subject).id, subject, "revoking nothing erases nothing")
        revoked = self.client.revoke_consent(subject, purpose="identity_verification")
        self.assertEqual(revoked.revoked, 1)
        self.assertIsNotNone(revoked.erasure)
        with self.assertRaises(likeness.NotFoundError):
            self.client.get_subject(subject)

    def test_errors_carry_the_problem_code(self) -> None:
        with self.assertRaises(likeness.AuthenticationError) as caught:
            likeness.Client(self.url, "lk_not_a_key").search(self.photo(AARON))
        error = caught.exception
        self.assertEqual((error.status, error.code), (401, "unauthorized"))
        self.assertTrue(error.request_id)
        self.assertEqual(error.problem["type"], "urn:likeness:problem:unauthorized")

        with self.assertRaises(likeness.NotFoundError) as caught:
            self.client.get_subject(self.unique("nobody"))
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "not_found"))

        with self.assertRaises(likeness.UnsupportedMediaError) as caught:
            self.client.detect(REPOSITORY / "README.md")
        self.assertEqual((caught.exception.status, caught.exception.code), (415, "unsupported_format"))

        with self.assertRaises(likeness.UnprocessableError) as caught:
            self.client.search(gray_png())
        self.assertEqual((caught.exception.status, caught.exception.code), (422, "no_face"))

        with self.assertRaises(likeness.ValidationError) as caught:
            self.client.verify(self.photo(AARON), self.photo(AARON), fmr=0.5)
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "validation_failed"))

        subject = self.unique("no-consent")
        self.client.create_subject(subject)
        with self.assertRaises(likeness.ConflictError) as caught:
            self.client.create_subject(subject)
        self.assertEqual(caught.exception.code, "already_exists")
        with self.assertRaises(likeness.ConflictError) as caught:
            self.client.enroll(subject, self.photo(AARON))
        self.assertEqual(caught.exception.code, "consent_required")
        self.client.delete_subject(subject)

    def test_enrolment_names_each_rejected_image_and_overrides_follow_the_policy(self) -> None:
        subject = self.unique("small")
        self.consented(subject)
        with self.assertRaises(likeness.UnprocessableError) as caught:
            self.client.enroll(subject, [self.photo(ANN), self.photo(ANN_SMALL)])
        self.assertEqual(caught.exception.code, "low_quality")
        self.assertIn("face_too_small", caught.exception.reasons)
        self.assertEqual([r["image"] for r in caught.exception.rejected], ["image[1]"])
        self.assertEqual(self.client.faces(subject).faces, [], "nothing is stored when an image fails")
        try:
            reported = self.client.enroll(subject, self.photo(ANN_SMALL), quality="report")
        except likeness.PermissionDeniedError as error:  # the tenant's policy does not allow the override
            self.assertEqual((error.status, error.code), (403, "override_not_allowed"))
        else:
            self.assertEqual(len(reported.templates), 1)
            self.assertEqual([(f.image, "face_too_small" in f.reasons) for f in reported.quality_failures], [("image", True)])
        self.client.delete_subject(subject)

    def test_unknown_query_parameters_are_refused(self) -> None:
        with self.assertRaises(likeness.ValidationError) as caught:
            self.client._request("GET", "/v1/audit", query=[("subjects", "yao")])
        self.assertEqual(caught.exception.code, "validation_failed")
        self.assertIn("subjects", caught.exception.detail)


class IdentificationTests(LiveTestCase):
    subject: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.subject = f"adriana-{id(cls):x}"
        cls.client.grant_consent(cls.subject, purpose="identity_verification", text_version="v1", text="yes")
        cls.client.enroll(cls.subject, cls.lfw / ADRIANA)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.delete_subject(cls.subject)

    def test_search_states_its_gallery_size_and_decision(self) -> None:
        found = self.client.search(self.photo(ADRIANA))
        self.assertEqual(found.candidates[0].subject, self.subject)
        self.assertEqual(found.decision, "match")
        self.assertGreaterEqual(found.gallery_size or 0, 1)
        self.assertIsNotNone(found.fpir)
        stranger = self.client.search(self.photo(ABDOULAYE), fpir=1e-3)
        self.assertEqual(stranger.decision, "unknown")

    def test_identify_answers_for_every_face(self) -> None:
        known = self.client.identify(self.photo(ADRIANA), k=3)
        self.assertGreaterEqual(known.gallery_size, 1)
        searched = [face for face in known.faces if face.searched]
        self.assertTrue(searched)
        self.assertEqual((searched[0].decision, searched[0].subject), ("match", self.subject))
        self.assertEqual(searched[0].candidates[0].subject, self.subject)

        group = self.client.identify(self.samples / "players.jpg", max_faces=5)
        self.assertLessEqual(len(group.faces), 5)
        self.assertGreater(group.faces_ignored, 0)
        for face in group.faces:
            self.assertEqual(len(face.box), 4)
            if not face.searched:
                self.assertTrue(face.reasons, "an unsearched face says why")
                self.assertIsNone(face.decision)

        empty = self.client.identify(gray_png())
        self.assertEqual(empty.faces, [])

        with self.assertRaises(likeness.ValidationError):
            self.client.identify(self.photo(ADRIANA), fmr=1e-5, fpir=1e-3)

    def test_compare_finds_the_probe_in_a_group_photo(self) -> None:
        compared = self.client.compare(self.samples / "yaoming.jpg", self.samples / "players.jpg")
        self.assertGreater(len(compared.candidates), 1)
        self.assertTrue(compared.candidates[0].match)
        self.assertEqual(len(compared.probe.box), 4)
        self.assertFalse(any(c.match for c in compared.candidates[1:]))

    def test_verify_batch_answers_each_pair(self) -> None:
        batch = self.client.verify_batch(
            [
                (self.photo(AARON), self.photo(AARON)),
                VerifyPair(first=self.photo(AARON), second=self.photo(ADRIANA), fmr=1e-3),
                {"first": self.photo(AARON), "second": (REPOSITORY / "README.md").read_bytes()},
            ]
        )
        self.assertEqual([item.index for item in batch.results], [0, 1, 2])
        self.assertEqual(batch.results[0].result and batch.results[0].result.decision, "match")
        self.assertEqual(batch.results[1].result and batch.results[1].result.decision, "no_match")
        self.assertIsNone(batch.results[2].result)
        self.assertEqual(batch.results[2].error and batch.results[2].error.code, "unsupported_format")


class RedactionTests(LiveTestCase):
    subject: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.subject = f"ann-redact-{id(cls):x}"
        cls.client.grant_consent(cls.subject, purpose="publication", text_version="v1", text="You may show my face.")
        cls.client.enroll(cls.subject, cls.lfw / ANN, purpose="publication")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.delete_subject(cls.subject)

    def test_redact_hides_every_face_in_the_photo_s_own_format(self) -> None:
        redacted = self.client.redact(self.photo(ANN_SELFIE))
        self.assertEqual((redacted.content_type, redacted.hidden, redacted.kept), ("image/jpeg", 1, 0))
        self.assertTrue(redacted.content.startswith(b"\xff\xd8"))
        self.assertEqual(self.client.detect(redacted.content).faces, [], "the hidden face is not found again")
        boxed = self.client.redact(self.photo(ANN_SELFIE), style="box", margin=0, format="png")
        self.assertEqual((boxed.content_type, boxed.content[:4]), ("image/png", b"\x89PNG"))
        webp = self.client.redact(gray_png(), format="webp")
        self.assertEqual((webp.content_type, webp.content[:4], webp.hidden), ("image/webp", b"RIFF", 0))

    def test_redact_report_gives_the_document_and_the_image(self) -> None:
        report = self.client.redact_report(self.samples / "players.jpg", style="pixelate")
        self.assertEqual((report.kind, report.style, report.margin, report.target.mode), ("image", "pixelate", 0.25, "everyone"))
        self.assertGreater(report.hidden, 1)
        self.assertEqual(report.hidden, sum(face.action == "hidden" for face in report.faces))
        self.assertEqual(report.kept, 0)
        self.assertEqual({face.reason for face in report.faces}, {"everyone"})
        self.assertTrue(all(face.box and len(face.box) == 4 for face in report.faces))
        self.assertEqual(report.detector.score_threshold, 0.25)
        self.assertGreater(report.width, 0)
        self.assertIsNotNone(report.image)
        assert report.image is not None
        self.assertEqual((report.image.content_type, report.image.content[:2]), ("image/jpeg", b"\xff\xd8"))
        self.assertEqual((report.image.hidden, report.image.kept), (report.hidden, report.kept))

    def test_keep_and_only_name_subjects(self) -> None:
        named = self.client.redact_report(self.photo(ANN_SELFIE), only=[self.subject])
        self.assertEqual((named.hidden, named.kept, named.target.mode, named.target.subjects), (1, 0, "only", [self.subject]))
        self.assertEqual((named.faces[0].reason, named.faces[0].subject), ("named_subject", self.subject))
        self.assertEqual(named.target.fmr, 1e-2)
        stranger = self.client.redact_report(self.photo(AARON), only=[self.subject], fmr=1e-3)
        self.assertEqual((stranger.hidden, stranger.kept, stranger.faces[0].reason), (0, 1, "not_a_named_subject"))
        self.assertEqual(stranger.target.fmr, 1e-3)

        kept = self.client.redact(self.photo(ANN_SELFIE), keep=[self.subject], purpose="publication")
        self.assertEqual((kept.hidden, kept.kept), (0, 1))
        report = self.client.redact_report(self.photo(ANN_SELFIE), keep=self.subject, purpose="publication")
        self.assertEqual((report.faces[0].action, report.faces[0].reason), ("kept", "consented_subject"))
        self.assertEqual((report.target.purpose, report.target.fmr), ("publication", 1e-4))
        other_purpose = self.client.redact_report(self.photo(ANN_SELFIE), keep=[self.subject], purpose="marketing")
        self.assertEqual((other_purpose.hidden, other_purpose.target.subjects_without_consent), (1, [self.subject]))
        self.assertEqual(other_purpose.faces[0].reason, "not_a_kept_subject")

    def test_redact_errors(self) -> None:
        photo = self.photo(ANN_SELFIE)
        for fields in (
            {"keep": [self.subject], "only": [self.subject]},
            {"keep": [self.subject]},
            {"purpose": "publication"},
            {"fmr": 1e-3},
            {"margin": 3.0},
            {"only": [self.subject], "fmr": 0.5},
        ):
            with self.assertRaises(likeness.ValidationError, msg=str(fields)) as caught:
                self.client.redact(photo, **fields)  # type: ignore[arg-type]
            self.assertEqual(caught.exception.code, "validation_failed")
        with self.assertRaises(likeness.NotFoundError) as caught:
            self.client.redact(photo, only=[self.subject, self.unique("nobody")])
        self.assertEqual(caught.exception.code, "not_found")
        with self.assertRaises(likeness.UnsupportedMediaError) as caught:
            self.client.redact_report(REPOSITORY / "README.md")
        self.assertEqual(caught.exception.code, "unsupported_format")
        with self.assertRaises(likeness.UnprocessableError) as caught:
            self.client.redact(gray_png(16, 16))
        self.assertEqual(caught.exception.code, "image_too_small")


class GalleryManagementTests(LiveTestCase):
    def test_list_subjects_pages_through_a_prefix(self) -> None:
        prefix = self.unique("list") + "/"
        ids = [f"{prefix}{n}" for n in range(5)]
        for subject in reversed(ids):
            self.client.create_subject(subject)
        self.client.grant_consent(ids[0], purpose="identity_verification", text_version="v1", text="yes")
        page = self.client.list_subjects(prefix=prefix, limit=2)
        self.assertEqual((page.total, [s.id for s in page.subjects]), (5, ids[:2]))
        self.assertIsNotNone(page.next)
        self.assertEqual(page.subjects[0].consents, ["identity_verification"])
        self.assertEqual(page.subjects[0].faces, 0)
        self.assertEqual([s.id for s in self.client.iter_subjects(prefix=prefix, limit=2)], ids)
        self.client.delete_subject(ids[1])
        self.assertEqual([s.id for s in self.client.iter_subjects(prefix=prefix)], ids[:1] + ids[2:])
        for subject in ids[:1] + ids[2:]:
            self.client.delete_subject(subject)

    def test_update_subject_replaces_and_clears_metadata(self) -> None:
        subject = self.unique("meta")
        self.client.create_subject(subject, metadata={"note": "x"})
        updated = self.client.update_subject(subject, metadata={"customer": {"id": 42, "tier": "gold"}})
        self.assertEqual(updated.metadata, {"customer": {"id": 42, "tier": "gold"}})
        self.assertEqual(self.client.get_subject(subject).metadata, {"customer": {"id": 42, "tier": "gold"}})
        self.assertIsNone(self.client.update_subject(subject, metadata=None).metadata)
        with self.assertRaises(likeness.ValidationError):
            self.client.update_subject(subject, metadata={"big": "x" * 20000})
        with self.assertRaises(likeness.NotFoundError):
            self.client.update_subject(self.unique("nobody"), metadata={})
        self.client.delete_subject(subject)

    def test_faces_lists_and_deletes_one_face(self) -> None:
        subject = self.unique("abdoulaye")
        self.consented(subject)
        enrolled = self.client.enroll(subject, [self.photo(ABDOULAYE)])
        faces = self.client.faces(subject)
        self.assertEqual((faces.subject, [face.id for face in faces.faces]), (subject, enrolled.templates))
        self.assertEqual(faces.faces[0].flags, [])
        self.assertTrue(faces.faces[0].pack)
        erased = self.client.delete_face(subject, enrolled.templates[0])
        self.assertEqual((erased.subject, erased.face, erased.templates_deleted), (subject, enrolled.templates[0], 1))
        self.assertEqual(self.client.faces(subject).faces, [])
        self.assertEqual(self.client.get_subject(subject).id, subject, "the subject stays")
        with self.assertRaises(likeness.NotFoundError):
            self.client.delete_face(subject, enrolled.templates[0])
        with self.assertRaises(likeness.NotFoundError):
            self.client.sign_in(subject, self.photo(ABDOULAYE))  # no templates left
        self.client.delete_subject(subject)

    def test_duplicates_are_refused_or_flagged_for_review(self) -> None:
        first, twin = self.unique("aby"), self.unique("aby-twin")
        for subject in (first, twin):
            self.consented(subject)
        self.client.enroll(first, self.photo(ABY))
        with self.assertRaises(likeness.ConflictError) as caught:
            self.client.enroll(twin, self.photo(ABY))
        self.assertEqual(caught.exception.code, "possible_duplicate")
        self.assertEqual([d["subject"] for d in caught.exception.duplicates], [first])

        flagged = self.client.enroll(twin, self.photo(ABY), policy="enroll_and_flag")
        self.assertEqual(flagged.status, "flagged")
        self.assertEqual([d.subject for d in flagged.duplicates], [first])
        face = flagged.templates[0]
        flags = self.client.faces(twin).faces[0].flags
        self.assertEqual([(f.code, [s.subject for s in f.subjects]) for f in flags], [("possible_duplicate", [first])])

        open_flags = {flag.face: flag for flag in self.client.iter_duplicates(limit=1)}
        self.assertIn(face, open_flags)
        self.assertEqual(open_flags[face].subject, twin)
        resolved = self.client.resolve_duplicate(face, "distinct")
        self.assertEqual((resolved.face, resolved.resolution), (face, "distinct"))
        self.assertIsNotNone(resolved.reviewed_at)
        self.assertNotIn(face, {flag.face for flag in self.client.iter_duplicates()})
        with self.assertRaises(likeness.NotFoundError):
            self.client.resolve_duplicate(face, "distinct")
        for subject in (first, twin):
            self.client.delete_subject(subject)

    def test_audit_filters_by_subject_action_and_time(self) -> None:
        subject = self.unique("audited")
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
        self.client.create_subject(subject)
        self.consented(subject)
        self.client.delete_subject(subject)

        mine = list(self.client.iter_audit(subject=subject, limit=1))
        self.assertEqual({event.subject for event in mine}, {subject})
        self.assertLessEqual({"subject.create", "consent.grant"}, {event.action for event in mine})
        self.assertEqual([e.sequence for e in mine], sorted(e.sequence for e in mine))

        grants = self.client.audit(subject=subject, action="consent.grant").events
        self.assertEqual([event.action for event in grants], ["consent.grant"])
        both = self.client.audit(subject=subject, action=["consent.grant", "subject.create"]).events
        self.assertEqual(sorted(event.action for event in both), ["consent.grant", "subject.create"])
        self.assertEqual(len(list(self.client.iter_audit(subject=subject, since=before))), len(mine))
        self.assertEqual(list(self.client.iter_audit(subject=subject, until=before)), [])

        everything = list(self.client.iter_audit(limit=3))
        self.assertEqual([e.sequence for e in everything], list(range(1, len(everything) + 1)))

    def test_the_audit_chain_verifies(self) -> None:
        self.client.create_subject(self.unique("chained"))
        state = self.client.verify_audit()
        self.assertTrue(state.intact)
        self.assertGreaterEqual(state.events, 1)
        self.assertEqual((state.problems, state.problems_in_other_tenants), ([], 0))


class PageTests(LiveTestCase):
    def test_the_pages_and_their_assets_are_served(self) -> None:
        for page in (self.client.landing_page(), self.client.api_reference_page(), self.client.console_page()):
            self.assertTrue(page.lower().startswith("<!doctype html>"))
        self.assertIn(b"LikenessQR", self.client.page_asset("qr.js"))
        with self.assertRaises(likeness.NotFoundError):
            self.client.page_asset("console.html")


class LivenessTests(LiveTestCase):
    def test_a_session_is_created_read_and_refuses_a_non_video(self) -> None:
        session = self.client.create_liveness_session(actions=2)
        self.assertTrue(session.id.startswith("ls_"))
        self.assertEqual(len(session.challenge), 2)
        self.assertEqual(session.state, "pending")
        self.assertTrue(session.capture_token and session.capture_url)
        read = self.client.get_liveness_session(session.id)
        self.assertEqual((read.id, read.state, read.challenge), (session.id, "pending", session.challenge))
        self.assertIsNone(read.capture_token)
        by_token = likeness.Client(self.url).get_liveness_session(session.id, capture_token=session.capture_token)
        self.assertEqual(by_token.id, session.id)
        with self.assertRaises(likeness.LikenessError) as caught:
            self.client.upload_liveness_video(session.id, b"not a video at all", capture_token=session.capture_token)
        self.assertIn(caught.exception.code, {"video_unreadable", "unsupported_format"})
        with self.assertRaises(likeness.NotFoundError):
            self.client.get_liveness_session("ls_00")
        self.assertIn("<", self.client.capture_page())
        self.assertTrue(self.client.capture_script())
