"""docs/intake-openapi.yaml describes the intake exactly as implemented.

Routes and methods come from ``Intake(...).app().routes``; the status codes and error codes
each endpoint can answer come from the ``_error(...)`` calls in hrd_field/hq/intake.py (read
with ``ast``) and its ``STATUS_CODES``; header names and the signed string from
hrd_field/bundle/upload_auth.py; the receipt's fields from ``Receipt.document()``.

PyYAML is used when it is installed; otherwise the file is read with the small YAML-subset
parser in synckit (the spec is written in that subset on purpose, and when PyYAML is there
both must agree, so the file keeps loading without PyYAML).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers.synckit import minimal_yaml

from hrd_field.bundle import upload_auth
from hrd_field.bundle.receipt import Receipt
from hrd_field.hq import intake as intake_module
from hrd_field.hq.intake import RECEIPT_TYPE, STATUS_CODES, Intake
from hrd_field.hq.store import HqStore

SPEC = Path(__file__).resolve().parents[2] / "docs" / "intake-openapi.yaml"
VERBS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Which handler functions of intake.py answer for which operation.
# ``_unavailable`` answers any request that finds the database away (503).
HANDLERS = {("/v1/health", "get"): ("health",),
            ("/v1/bundles", "post"): ("upload", "_receive", "_authenticate", "_unavailable"),
            ("/v1/receipts/{bundle_id}", "get"): ("receipt", "_authenticate", "_unavailable")}
HEALTH = ("/v1/health", "get")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    text = SPEC.read_text("utf-8")
    loaded = minimal_yaml(text)
    try:
        import yaml
    except ImportError:
        return loaded
    reference = yaml.safe_load(text)
    assert json.dumps(loaded, sort_keys=True, default=str) == json.dumps(
        reference, sort_keys=True, default=str), \
        "the spec left the YAML subset synckit.minimal_yaml reads (needed without PyYAML)"
    return reference


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): op for path, item in spec["paths"].items()
            for method, op in item.items() if method in VERBS}


def resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def implemented_errors() -> dict[str, set[tuple[int, str]]]:
    """(status, error code) of every ``_error(...)`` call, per function of intake.py."""
    tree = ast.parse(inspect.getsource(intake_module))
    found: dict[str, set[tuple[int, str]]] = {}
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for call in ast.walk(fn):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                    and call.func.id == "_error" and isinstance(call.args[0], ast.Constant):
                code = call.args[1].value if isinstance(call.args[1], ast.Constant) else None
                found.setdefault(fn.name, set()).add((call.args[0].value, code))
    return found


def test_every_route_is_documented_and_every_documented_route_exists(
        spec: dict[str, Any], tmp_path: Path) -> None:
    assert spec["openapi"].startswith("3.1")
    with HqStore.init(tmp_path / "hq", "a passphrase for the spec test", "HQ") as store:
        app = Intake(store, "http://127.0.0.1:8443").app()
        served = {(route.path, method.lower()) for route in app.routes  # type: ignore[attr-defined]
                  for method in route.methods if method != "HEAD"}  # type: ignore[attr-defined]
    assert served == set(operations(spec)) == set(HANDLERS)


def test_every_status_and_error_code_is_documented_and_none_other(
        spec: dict[str, Any]) -> None:
    errors = implemented_errors()
    enum = set(resolve(spec, spec["components"]["schemas"]["Error"])["properties"]["error"]
               ["enum"])
    every_code = set()
    for key, op in operations(spec).items():
        # Any request can be malformed below the routes (uvicorn's HTTP parser, answered
        # by hq.serving as JSON): 400 bad_request everywhere.
        statuses: set[int] = {200, 400}
        codes: set[str] = {"bad_request"}
        for fn in HANDLERS[key]:
            for status, code in errors.get(fn, set()):
                statuses.add(status)
                if code is not None:
                    codes.add(code)
        if key == HEALTH:  # 503 with the Health document when the database is away
            statuses.add(503)
        if key == ("/v1/bundles", "post"):  # the importer's verdicts, answered by status
            statuses |= set(STATUS_CODES.values())
            codes |= set(STATUS_CODES)
        assert {int(s) for s in op["responses"]} == statuses, key
        every_code |= codes
        for status, response in op["responses"].items():
            body = resolve(spec, response)
            assert body["description"].strip(), (key, status)
            media = set(body["content"])
            if int(status) == 200 and key != ("/v1/health", "get"):
                assert media == {RECEIPT_TYPE}, (key, status)
            elif int(status) >= 400 and key != HEALTH:
                assert media == {"application/json"}, (key, status)
                ref = body["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (key, status)
        for code in codes:  # each error code is named in that operation's responses
            text = json.dumps([resolve(spec, r) for r in op["responses"].values()])
            assert f"`{code}`" in text, (key, code)
    assert enum == every_code


def test_auth_headers_are_rfc_9421_as_implemented(spec: dict[str, Any]) -> None:
    from hrd_field.bundle.minisign import SigningKey

    key = SigningKey.generate()
    upload = {k.lower() for k in upload_auth.sign_request(
        key, "POST", "https://h:1/v1/bundles", "ab" * 32, 42)}
    fetch = {k.lower() for k in upload_auth.sign_request(
        key, "GET", "https://h:1/v1/receipts/x", upload_auth.EMPTY_SHA256, 0)}
    assert upload == {"signature", "signature-input", "content-digest", "content-length"}
    for key_, op in operations(spec).items():
        headers = {resolve(spec, p)["name"].lower() for p in op.get("parameters", [])
                   if resolve(spec, p)["in"] == "header"}
        required = {resolve(spec, p)["name"].lower() for p in op.get("parameters", [])
                    if resolve(spec, p).get("required")}
        if key_ == HEALTH:
            assert headers == set() and op["security"] == []
        elif key_ == ("/v1/bundles", "post"):
            assert headers == upload and headers <= required
        else:
            assert headers == fetch and headers <= required
            assert {"bundle_id"} <= {resolve(spec, p)["name"] for p in op["parameters"]
                                     if resolve(spec, p)["in"] == "path"}
    description = spec["info"]["description"]
    signed = upload_auth.sign_request(key, "POST", "https://h:1/v1/bundles", "ab" * 32, 42)
    shown = re.search(r"`(hrd=\(.*?\);created=)<unix time>;keyid=\"<device key>\";"
                      r"alg=\"ed25519\";tag=\"hrd-field-upload\"`", description)
    assert shown is not None, "the Signature-Input of an upload is shown"
    assert signed["Signature-Input"].startswith(shown.group(1))
    assert signed["Signature-Input"].endswith(
        f'keyid="{key.public_key().to_base64()}";alg="ed25519";tag="hrd-field-upload"')
    assert '("@method" "@target-uri")' in description  # what a GET covers
    assert f"within {upload_auth.WINDOW_S} s" in description
    assert upload_auth.EMPTY_SHA256 in description
    rate = intake_module.RateLimit()
    assert f"{int(rate.capacity)} requests burst, {int(rate.per_second)} per second" in \
        description.replace("\n", " ")
    assert f"{intake_module.DEFAULT_MAX_UPLOAD >> 20} MiB by default" in \
        description.replace("\n", " ")


def test_the_receipt_schema_is_the_receipt_hq_signs(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    receipt = Receipt("b", "d", 1, "0" * 64, "imported", (("r", 1),), "2025-01-01T00:00:00Z")
    document = receipt.document()
    assert set(schemas["Receipt"]["required"]) == set(document) == set(
        schemas["Receipt"]["properties"])
    assert schemas["Receipt"]["properties"]["format"]["const"] == document["format"]
    assert schemas["Receipt"]["properties"]["version"]["const"] == document["version"]
    assert set(schemas["SignedReceipt"]["required"]) == {"document", "signature"}
    item = schemas["Receipt"]["properties"]["accepted"]["items"]
    assert set(item["required"]) == set(document["accepted"][0])


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(spec, node)  # raises KeyError if dangling
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
