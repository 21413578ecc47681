"""The grading engine of Layer by Layer: build a student's Dockerfile, check its goals."""
