#!/bin/sh
# Print this process's effective capabilities by name, then try three things that
# root can usually do. Runs on BusyBox sh, so it works in the alpine:3.20 image.

# Bit numbers from linux/capability.h, lowest first.
names="CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP"

mask=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
bit=0 count=0 have=""
for name in $names; do
  if [ $(( (0x$mask >> bit) & 1 )) -eq 1 ]; then
    have="$have $name"
    count=$((count + 1))
  fi
  bit=$((bit + 1))
done
echo "user $(id -u), CapEff=$mask, $count capabilities:${have:- none}"

attempt() { # attempt LABEL COMMAND...: run it quietly, say whether the kernel allowed it
  label=$1
  shift
  if "$@" >/dev/null 2>&1; then echo "  $label: allowed"; else echo "  $label: denied"; fi
}
# /srv/theirs belongs to uid 1000 with mode 600 (see the Dockerfile).
attempt "read another user's mode-600 file" cat /srv/theirs
attempt "chown that file to uid 2000" chown 2000 /srv/theirs
# Docker sets this sysctl to 0 in each container: every port counts as unprivileged.
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
attempt "listen on port 80 (ip_unprivileged_port_start=$start)" httpd -p 127.0.0.1:80 -h /srv
