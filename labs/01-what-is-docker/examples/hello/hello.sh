#!/bin/sh
# Chapter 1: what the world looks like from inside a container.
# Every line below reads something the kernel decides per namespace or per cgroup.
echo "hello from $(hostname)"
echo "my PID is $$, and I run as $(id -un) (uid $(id -u))"
echo "the kernel is $(uname -r)"
echo "network interfaces I can see: $(ls /sys/class/net | tr '\n' ' ')"
echo "processes I can see:"
ps -o pid,comm
