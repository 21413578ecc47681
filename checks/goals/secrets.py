"""Secret goals: a value planted in the build context must not reach the image.

The grader writes a fresh random token into a copy of the build context, builds the
student's Dockerfile from it, and searches what ``docker save`` exports: every file of
every layer (a file deleted by a later step is still stored in its own layer), every
history entry and every config field. A value that only that one build could contain
cannot be found by accident, and cannot be found in an earlier build's cache.
"""

from __future__ import annotations

import secrets

from checks.goals import Check, Subject, Variant, Verdict


def planted_token_absent(path: str = "token.txt") -> Check:
    """The token the grader writes to ``path`` in the context is in no layer, history entry
    or config field of the image built from that context."""

    def run(subject: Subject) -> Verdict:
        token = f"lbl-token-{secrets.token_hex(16)}"
        variant = Variant(add_files=((path, token + "\n"),))
        verdict = Verdict()
        outcome = subject.variant(variant)
        if outcome.image_id is None:
            verdict.failures.append(
                f"expected the image to build with a planted {path}, got a failure: {outcome.error}"
            )
            return verdict
        hits = subject.search_image(token.encode(), variant)
        verdict.measured["places"] = len(hits)
        for hit in hits:
            verdict.failures.append(f"expected the token from {path} nowhere, got {hit.describe()}")
        layers = sorted({h.layer for h in hits if h.layer is not None})
        if layers:
            verdict.notes.append(
                f"the token came in with {subject.layer_origin(layers[0])}; a later `RUN rm` only "
                "adds a whiteout that hides the file, and `docker save` hands over every layer"
            )
        return verdict

    return Check(run)
