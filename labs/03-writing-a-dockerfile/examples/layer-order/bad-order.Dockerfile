# Chapter 3: the order that loses the cache. Everything is copied before the slow step.
FROM python:3.11-slim
WORKDIR /app
# Any edit to any file in the context gives this COPY a new checksum...
COPY . .
# ...so the slow step after it runs again on every single edit.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --requirement requirements.txt
ENV PATH=/opt/venv/bin:$PATH
CMD ["python", "greeter.py"]
