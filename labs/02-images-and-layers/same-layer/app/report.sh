#!/bin/sh
# Lab 02 · same-layer: print the facts the build kept about the dataset it processed.
# The dataset itself is not in the image; only these two small files are.
dir=/opt/dataset
if [ ! -s "$dir/size.txt" ] || [ ! -s "$dir/sha256.txt" ]; then
  echo "no dataset facts in $dir: did the build step that writes them run?" >&2
  exit 1
fi
echo "dataset: $(cat "$dir/size.txt") bytes, sha256 $(cut -c1-16 "$dir/sha256.txt")..."
