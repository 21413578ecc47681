"""Lab 06 marking scheme: each goal, its points, and the hint a student sees on failure.

The script runs once with `up` (every goal but the last looks at what it started), then once
with `down`. Containers are found by name: `api` is `$LBL_PREFIX-api`.
"""

from checks.goals import goal, script

API_PORT = 8080

RUBRIC = {
    "api-db": [
        goal("up", "`run.sh up` starts the api and the db", 1, script.starts("api", "db"),
             hint="read what `up` printed above; every container is named $LBL_PREFIX-something"),
        goal("by-name", "The api and the db find each other by name", 2,
             script.resolve_each_other("api", "db"),
             hint="start both containers with --network \"$NET\": container names resolve only "
                  "between members of the same user-defined network",
             more="docker run -d --name \"$DB\" --network \"$NET\" \"$DB_IMAGE\""),
        goal("answers", "The API answers on its published port on 127.0.0.1", 2,
             script.answers_on_loopback("api", API_PORT, "/healthz"),
             hint="publish the API with -p 127.0.0.1::8080 and start it on a user-defined network "
                  "(with no network, a port is recorded but never opened)"),
        goal("api-uses-db", "Through that port, the API counts visits in the db", 2,
             script.answers_on_loopback("api", API_PORT, "/", within_s=15, expect_in_body="visit #"),
             hint="the API connects to the name in DB_HOST: pass -e DB_HOST=\"$DB\" to the API, "
                  "and put the db on the same network",
             more="docker run -d --name \"$API\" --network \"$NET\" -e DB_HOST=\"$DB\" "
                  "-p 127.0.0.1::8080 \"$API_IMAGE\""),
        goal("api-loopback", "Only the API's port 8080 is published, only on 127.0.0.1", 2,
             script.publishes_only_on_loopback("api", API_PORT),
             hint="-p 127.0.0.1::8080 binds the host's loopback only; -p 8080:8080 would listen on "
                  "every address the host has"),
        goal("db-private", "The db publishes no port", 2, script.publishes_nothing("db"),
             hint="drop the db's -p: the API reaches it over the network they share, and nothing "
                  "outside that network should"),
        goal("down", "`run.sh down` removes everything `up` created", 2, script.down_leaves_nothing("down"),
             hint="remove the containers first, then the network (docker network rm \"$NET\"); "
                  "a network in use cannot be removed"),
    ],
}
