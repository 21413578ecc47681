# Lab 02 · shared-base: helpers both tools use. Sourced, never run on its own.
banner() {
  printf '== %s ==\n' "$1"
}

# A fixed-width "key: value" line, so both tools print the same way.
field() {
  printf '%-12s %s\n' "$1:" "$2"
}
