# Chapter 3: shell form. Docker runs /bin/sh -c "python worker.py": the shell is PID 1,
# python is its child, and a SIGTERM sent to PID 1 never reaches python.
FROM python:3.11-slim
WORKDIR /app
COPY worker.py ./
CMD python worker.py
