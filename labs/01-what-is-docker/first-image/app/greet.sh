#!/bin/sh
# Lab 01: the program you package. It says hello, then reports three things the
# kernel decides for it alone: its hostname, its PID and its network interfaces.
name=${GREET_NAME:-Docker}
echo "Hello, $name! This line comes from inside a container."
echo "hostname: $(hostname)"
echo "my PID: $$"
echo "network interfaces: $(ls /sys/class/net | tr '\n' ' ')"
