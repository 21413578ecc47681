"""What a push would send: read a `docker save` archive on stdin, turn it into the blobs
and the manifest a registry stores, and print the HTTP requests that upload them.

Nothing is sent anywhere. Usage: docker save IMAGE | push-plan REFERENCE
"""

import gzip
import hashlib
import io
import json
import re
import sys
import tarfile

OCI = "application/vnd.oci.image"


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def short(text: str) -> str:
    """Print 12 of a digest's 64 hex digits, as `docker image ls` does."""
    return re.sub(r"(sha256:[0-9a-f]{12})[0-9a-f]{52}", r"\1...", text)


def split(reference: str) -> tuple[str, str, str]:
    """host, repository path, tag: the first part is a host only if it looks like one."""
    name, tag = reference, "latest"
    if ":" in reference.rsplit("/", 1)[-1]:  # a ':' after the last '/' starts the tag
        name, _, tag = reference.rpartition(":")
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest, tag
    return "(the default registry)", name if "/" in name else f"library/{name}", tag


def main(reference: str) -> None:
    host, path, tag = split(reference)
    print(f"reference {reference}\n  host {host}\n  repository {path}\n  tag {tag}\n")

    with tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read())) as archive:
        index = json.load(archive.extractfile("manifest.json"))[0]
        config = archive.extractfile(index["Config"]).read()
        tars = [archive.extractfile(member).read() for member in index["Layers"]]
    print(f"config  {short(digest(config))} {len(config):>8} B   (its digest is the image ID)")

    # A registry stores each layer compressed and names the blob by the digest of the
    # compressed bytes. The config keeps the uncompressed digests (the diff IDs).
    # mtime=0 keeps gzip's output the same for the same input.
    layers = []
    for n, tar in enumerate(tars):
        blob = gzip.compress(tar, compresslevel=6, mtime=0)
        layers.append({"mediaType": f"{OCI}.layer.v1.tar+gzip", "digest": digest(blob), "size": len(blob)})
        print(
            f"layer {n} {short(digest(tar))} {len(tar):>8} B"
            f" -> gzip -> {short(digest(blob))} {len(blob):>8} B"
        )

    manifest = {
        "schemaVersion": 2,
        "mediaType": f"{OCI}.manifest.v1+json",
        "config": {"mediaType": f"{OCI}.config.v1+json", "digest": digest(config), "size": len(config)},
        "layers": layers,
    }
    body = json.dumps(manifest, indent=2).encode()
    print(f"\nthe manifest ({len(body)} B), digests shortened for print:")
    print(short(body.decode()))
    print(f"manifest digest {digest(body)}")
    print(f"pin it with     {reference.rpartition(':' + tag)[0] or reference}@{short(digest(body))}")

    print(f"\nwhat `docker push {reference}` would ask {host}:")
    for blob in [manifest["config"], *layers]:
        d = short(blob["digest"])
        print(f"  HEAD /v2/{path}/blobs/{d}   -> 200 already stored: skip it; 404: upload")
        print(f"  POST /v2/{path}/blobs/uploads/            -> 202 and an upload URL")
        print(f"  PUT  <upload URL>?digest={d} ({blob['size']} B) -> 201; the registry rehashes the bytes")
    print(f"  PUT  /v2/{path}/manifests/{tag} ({len(body)} B) -> 201; the tag now names this manifest")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.stdin.isatty():
        sys.exit(__doc__)
    main(sys.argv[1])
