"""Secret goals: a value the grader made for this run must not reach what the build leaves.

Two ways in, one search. Lab 10 plants a fresh random token in a copy of the build context;
lab 11 passes one with ``--secret id=ID,src=FILE`` from a file outside the repository.
Either way the grader then searches what ``docker save`` exports: every file of every layer
(a file deleted by a later step is still stored in its own layer), every history entry and
every config field. A value only this build could contain cannot be found by accident, nor
in an earlier build's cache.
"""

from __future__ import annotations

import secrets

from checks.errors import CheckError
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


def not_leaked(secret_id: str) -> Check:
    """The token of ``secret_id`` is in no file of any layer (deleted ones included), not in the
    image config or its history, and not in the build log."""

    def run(subject: Subject) -> Verdict:
        tokens = subject.secret_values()
        if secret_id not in tokens:
            raise CheckError(
                f"the goal searches for the secret {secret_id!r}, but the exercise passes no such secret",
                path=subject.exercise.lab_dir / "lab.toml",
                hint=f'add secrets = ["{secret_id}"] to the exercise in lab.toml',
            )
        token = tokens[secret_id]
        verdict = Verdict()
        hits = subject.find_in_image(token)
        in_layers = [h for h in hits if h.layer is not None]
        verdict.measured["layers_holding_it"] = len({h.layer for h in in_layers})
        if in_layers:
            first = in_layers[0]
            more = f" and {len(in_layers) - 1} more" if len(in_layers) > 1 else ""
            verdict.failures.append(
                f"expected the {secret_id} token in no layer, got {first.describe()}{more}")
            verdict.notes.append(
                f"/{first.path} came from {subject.layer_origin(first.layer or 0)}; a file a later "
                "step deletes is still in the layer that wrote it"
            )
        text = token.decode(errors="replace")
        history = [str(h.get("CreatedBy", "")) for h in subject.image().history if text in str(h)]
        in_config = any(h.layer is None for h in hits)
        verdict.measured["history_entries_showing_it"] = len(history)
        if history or in_config:
            shown = history[0].replace(text, "<token>")[:120] if history else "the image config"
            verdict.failures.append(
                f"expected the {secret_id} token in no history entry or config, got {shown}")
        log_lines = [line for line in subject.build.log.splitlines() if text in line]
        verdict.measured["log_lines_showing_it"] = len(log_lines)
        verdict.expect(not log_lines, f"the {secret_id} token in no line of the build log",
                       f"{len(log_lines)} line(s), such as {log_lines[0].replace(text, '<token>')[:100]!r}"
                       if log_lines else "")
        return verdict

    return Check(run)
