"""Lab 07 marking scheme: each goal, its points, and the hint a student sees on failure.

The grader runs `config`, then `up -d` (the runtime goals share that one project), and last
`down -v`. Services are found by Compose's own labels.
"""

from checks.goals import compose, goal, script

RUBRIC = {
    "stack": [
        goal("config", "`compose config` accepts the file", 1, compose.config_valid(),
             hint="read Compose's message above: it names the key it does not accept"),
        goal("healthcheck", "Redis has a healthcheck, and reports healthy", 2, compose.healthy("redis"),
             hint="add a healthcheck: to redis whose test runs `redis-cli ping` (exit 0 once Redis "
                  "answers), with a short interval",
             more='healthcheck: {test: ["CMD", "redis-cli", "ping"], interval: 2s, timeout: 3s, '
                  "retries: 15}"),
        goal("waits-healthy", "web and worker start once Redis is healthy", 2,
             compose.waits_until_healthy("redis", "web", "worker"),
             hint="the short form `depends_on: [redis]` waits for the start only; use the long "
                  "form with condition: service_healthy",
             more="depends_on:\n    redis:\n      condition: service_healthy"),
        goal("named-volume", "Redis keeps /data in a named volume", 2, compose.named_volume("redis", "/data"),
             hint="mount a volume by name at /data (redis-data:/data) and declare it under a "
                  "top-level volumes: key; the image's anonymous volume is lost with its container"),
        goal("answers", "web answers on its published port on 127.0.0.1", 2,
             compose.answers_on_loopback("web", 8000, "/", expect_in_body="job(s) queued"),
             hint="publish 8000 as \"127.0.0.1::8000\" and check `docker-compose logs web`"),
        goal("no-plain-secret", "The token is a secret file, not an environment value", 2,
             compose.secrets_not_in_environment("web"),
             hint="anything in environment: shows in `docker inspect` and in the repository; declare "
                  "a top-level secret with file: ./api_token.txt and give web secrets: [api_token]",
             more="web.py reads /run/secrets/api_token, where Compose mounts the secret named "
                  "api_token; delete API_TOKEN from environment:"),
        goal("down", "`down -v` leaves nothing behind", 1,
             script.down_leaves_nothing("down", "-v", up=compose.UP),
             hint="every container, network and volume of the project must go: keep them all in "
                  "this file (no `external:` ones) so that Compose owns them"),
    ],
}
