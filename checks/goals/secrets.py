"""Secret goals: a build secret the grader made for this run is nowhere in what the build left.

The grader writes a fresh random token per secret id, outside the repository, and builds
with ``--secret id=ID,src=FILE``. These goals then search for its exact bytes.
"""

from __future__ import annotations

from checks.errors import CheckError
from checks.goals import Check, Subject, Verdict


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
