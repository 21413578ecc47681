"""The course's performance benchmark: ``python -m checks.bench`` (``nox -s bench``).

Each module measures one thing and returns plain data; ``report`` is the one writer of
``bench/results.json`` and ``bench/results.md`` (the table the site's Performance page
includes):

- ``latency``: cold, warm and after-an-edit grades of every exercise of every lab, each
  split into build, runtime probes, other engine work and the checker's own overhead;
  and the same Dockerfile built and probed by hand with the docker CLI.
- ``peers``: hadolint, container-structure-test and dive on the same files and images as
  the grader's own goals, timed in the same run, and whether their answers agree.
- ``floor``: each lab-08 solution's image size against the app's own payload.
- ``site``: the site's build time and heaviest page, and the last recorded suite time.
"""
