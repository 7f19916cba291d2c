"""Push speed of the course's registry client, as a ratio against skopeo in the same run.

Baseline: ``skopeo copy oci:DIR:TAG docker://LAB/REPO:TAG`` (skopeo from the distribution,
a Go client). Candidate: ``Registry.push_image`` from registry_dojo. Both push the same image,
one incompressible layer of fresh random bytes per run, so neither can skip an upload, to the
real lab registry on 127.0.0.1. Each round runs both tools in a shuffled order; the report gives
the median seconds per tool and the median ratio candidate / baseline (below 1 means faster).

Run it with::

    .venv/bin/python bench/bench_push.py --size-mib 16 --rounds 5

It starts a lab in a temporary data folder and stops it at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from registry_dojo import lab
from registry_dojo.image import Image, build_image


def write_oci_layout(image: Image, folder: Path, tag: str) -> None:
    """Write `image` as an OCI image layout that skopeo reads as ``oci:FOLDER:TAG``."""
    blobs = folder / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    for blob in image.blobs:
        (blobs / blob.digest.removeprefix("sha256:")).write_bytes(blob.data)
    (blobs / image.digest.removeprefix("sha256:")).write_bytes(image.manifest)
    (folder / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": image.media_type,
                "digest": image.digest,
                "size": len(image.manifest),
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    (folder / "index.json").write_text(json.dumps(index))


def random_image(size_mib: int) -> Image:
    return build_image(layers=[os.urandom(size_mib * 1024 * 1024)])


def time_client(info: lab.LabInfo, image: Image, repo: str) -> float:
    with info.client() as client:
        client.ping()
        started = time.perf_counter()
        client.push_image(repo, "1.0", image)
        return time.perf_counter() - started


def time_skopeo(info: lab.LabInfo, image: Image, repo: str, scratch: Path) -> float:
    layout = scratch / repo.replace("/", "-")
    write_oci_layout(image, layout, "1.0")
    command = [
        "skopeo",
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        "--authfile",
        str(info.docker_config / "config.json"),
        f"oci:{layout}:1.0",
        f"docker://{info.host}/{repo}:1.0",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=16, help="layer size in MiB")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of both tools")
    args = parser.parse_args()
    if shutil.which("skopeo") is None:
        raise SystemExit("bench_push: skopeo not found; install it: sudo apt-get install skopeo")

    home = Path(tempfile.mkdtemp(prefix="registry-dojo-bench-"))
    try:
        info = lab.up(home)
        client_times: list[float] = []
        skopeo_times: list[float] = []
        ratios: list[float] = []
        for round_number in range(args.rounds):
            tools = ["client", "skopeo"]
            random.shuffle(tools)
            measured: dict[str, float] = {}
            for tool in tools:
                image = random_image(args.size_mib)
                repo = f"bench/{tool}-{round_number}"
                if tool == "client":
                    measured[tool] = time_client(info, image, repo)
                else:
                    measured[tool] = time_skopeo(info, image, repo, home)
            client_times.append(measured["client"])
            skopeo_times.append(measured["skopeo"])
            ratios.append(measured["client"] / measured["skopeo"])
        print(
            f"push of one {args.size_mib} MiB random layer, {args.rounds} rounds, lab on 127.0.0.1"
        )
        print(f"baseline skopeo copy      median {statistics.median(skopeo_times):.3f} s")
        print(f"registry_dojo push_image  median {statistics.median(client_times):.3f} s")
        print(f"ratio client / skopeo     median {statistics.median(ratios):.2f}")
    finally:
        lab.down(home)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
