// Every object of every overlay, rendered with kubectl kustomize, validated against the Kubernetes JSON schemas that
// the npm package kubernetes-models ships (its version, and so the Kubernetes API version, pinned in
// package-lock.json), offline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kustomize } from "./lib.mjs";

const OVERLAYS = ["deploy/k8s/overlays/dev", "deploy/k8s/overlays/prod"];
// kubernetes-models also ships API versions that Kubernetes has stopped serving; these are refused here.
const REMOVED = /^(extensions\/v1beta1|apps\/v1beta[12]|autoscaling\/v2beta[12]|policy\/v1beta1|networking\.k8s\.io\/v1beta1|batch\/v1beta1)$/;

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  const exports = await import(module).catch(() => null);
  return exports?.[kind] ?? null;
}

for (const overlay of OVERLAYS) {
  test(`${overlay}: every object validates against the pinned Kubernetes schemas`, async () => {
    const objects = kustomize(overlay);
    assert.ok(objects.length > 0, "the overlay renders no object");
    const errors = [];
    for (const o of objects) {
      const name = `${o.kind}/${o.metadata?.name}`;
      const Model = await modelClass(o.apiVersion, o.kind);
      if (!Model || REMOVED.test(o.apiVersion)) {
        errors.push(`${name}: ${o.apiVersion} ${o.kind} is not a Kubernetes API of the pinned version`);
        continue;
      }
      try {
        new Model(o).validate();
      } catch (e) {
        errors.push(`${name}: ${e.message}`);
      }
    }
    assert.deepEqual(errors, []);
  });
}

test("the validator rejects an invalid object (it is not a no-op)", async () => {
  const Deployment = await modelClass("apps/v1", "Deployment");
  const bad = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
    spec: { selector: {}, template: { spec: { containers: [{ name: "a", image: "b", ports: [{ containerPort: "http" }] }] } } } };
  assert.throws(() => new Deployment(bad).validate(), /containerPort must be integer/);
  assert.ok(REMOVED.test("autoscaling/v2beta2") && !REMOVED.test("autoscaling/v2"), "removed API versions are refused");
});
