"""Live-mode benchmark: the project's whole scenario suite through the live code path.

Usage (from the project root, with the project installed with its ``moto`` extra)::

    python benchmarks/live.py [--repeat 1] [--workers 0]

No AWS is reached: a moto server with iamspec's Simulate* support (``python -m iamspec.moto``)
runs on 127.0.0.1 in the project's account, the deployed principals of
``[tool.iamspec.deployed_principals]`` are created in it (their policies from ``policies/``),
and ``pytest features --iam-backend=live --compare-local`` runs against it through
``AWS_ENDPOINT_URL_IAM`` — boto3, HTTP, paging and retries exactly as against AWS. Prints the
scenarios run, the Simulate* calls (per scenario and in all, start-up probes apart), the
requests answered and the wall time. It is not a test (tests/live checks the same path).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which policy files the deployed principals carry in the account (see the @live feature).
DEPLOYED = {
    "test-admin": ("connect/describe-update-users-by-department.json", {}),
    "main-operator": ("connect-campaigns/by-owner-tag.json", {"Team": "operations"}),
}
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":'
    '"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}'
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL_IAM=endpoint,
        PYTHONPATH=str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def _provision(endpoint: str) -> None:
    import boto3

    from iamspec.harness.policies import PolicyStore
    from iamspec.project.settings import load_settings

    settings = load_settings(ROOT)
    store = PolicyStore(settings)
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for name, arn in settings.deployed_principals.items():
        policy_name, tags = DEPLOYED[name]
        policy = store.load(policy_name)
        policy_arn = iam.create_policy(
            PolicyName=policy.managed_policy_name, PolicyDocument=policy.text
        )["Policy"]["Arn"]
        tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
        iam_name = arn.rsplit("/", 1)[-1]
        if ":user/" in arn:
            iam.create_user(UserName=iam_name, Tags=tag_list)
            iam.attach_user_policy(UserName=iam_name, PolicyArn=policy_arn)
        else:
            iam.create_role(RoleName=iam_name, AssumeRolePolicyDocument=TRUST, Tags=tag_list)
            iam.attach_role_policy(RoleName=iam_name, PolicyArn=policy_arn)


def _wait(endpoint: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the moto server exited with {server.returncode}")
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the moto server did not start within 30 s")


def run_once(workers: int) -> dict[str, float]:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server_env = {**os.environ, "MOTO_ACCOUNT_ID": "111122223333"}
    server = subprocess.Popen(
        [sys.executable, "-m", "iamspec.moto", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(endpoint, server)
        _provision(endpoint)
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp) / "results.json"
            drift = Path(tmp) / "drift.json"
            command = [
                sys.executable,
                "-m",
                "pytest",
                "features",
                "-q",
                "-p",
                "no:cacheprovider",
                "--iam-backend=live",
                "--compare-local",
                "--drift-report",
                str(drift),
                "--iam-results",
                str(results),
            ]
            if workers:
                command += ["-n", str(workers)]
            started = time.perf_counter()
            done = subprocess.run(
                command, cwd=ROOT, env=_env(endpoint), capture_output=True, text=True
            )
            wall = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stdout[-4000:], done.stderr[-2000:])
                raise SystemExit(f"the live suite failed (exit {done.returncode})")
            run = json.loads(results.read_text())
            report = json.loads(drift.read_text())
    finally:
        server.terminate()
        server.wait(timeout=10)
    scenarios = len(run["scenarios"])
    requests = sum(len(c["requests"]) for s in run["scenarios"] for c in s["calls"])
    return {
        "scenarios": scenarios,
        "calls": run["simulate_calls"],
        "requests": requests,
        "retries": run.get("simulate_retries", 0),
        "compared": report["requests_compared"],
        "not_compared": report["requests_not_compared"],
        "drift": len(report["disagreements"]),
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="pytest-xdist workers (0: none)")
    args = parser.parse_args()
    for index in range(args.repeat):
        figures = run_once(args.workers)
        print(
            f"run {index + 1}: {figures['scenarios']:.0f} scenarios, "
            f"{figures['calls']:.0f} Simulate* calls for scenarios "
            f"({figures['calls'] / figures['scenarios']:.2f} per scenario, "
            f"{figures['requests'] / figures['calls']:.1f} requests per call), "
            f"{figures['requests']:.0f} requests, {figures['retries']:.0f} retries; "
            f"compared with local {figures['compared']:.0f}, not compared "
            f"{figures['not_compared']:.0f} (deployed principals, or no policy: not sent), "
            f"drift {figures['drift']:.0f}; "
            f"wall {figures['wall']:.1f} s (not counted above: each pytest process first "
            "probes with 1 SimulateCustomPolicy + 1 SimulatePrincipalPolicy per deployed "
            "principal)"
        )


if __name__ == "__main__":
    main()
