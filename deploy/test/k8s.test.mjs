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

// ------------------------------------------------------------------------------------------------ hardening rules

const selects = (selector, labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

for (const overlay of OVERLAYS) {
  test(`${overlay}: every workload is hardened (security context, probes, resources, spread, PDB, HPA v2, policies)`, () => {
    const objects = kustomize(overlay);
    const of = (kind) => objects.filter((o) => o.kind === kind);
    const deployments = of("Deployment").filter((d) => d.metadata.labels?.["app.kubernetes.io/component"] === "service");
    assert.equal(deployments.length, 6, "one Deployment per service");
    const problems = [];
    const need = (ok, what) => { if (!ok) problems.push(what); };
    const podRules = (name, pod) => {
      const psc = pod.securityContext ?? {};
      need(psc.runAsNonRoot === true, `${name}: pod runAsNonRoot`);
      need(psc.seccompProfile?.type === "RuntimeDefault", `${name}: RuntimeDefault seccomp`);
      need(pod.automountServiceAccountToken === false, `${name}: no service account token`);
      for (const c of pod.containers) {
        const sc = c.securityContext ?? {};
        need(sc.allowPrivilegeEscalation === false, `${name}/${c.name}: allowPrivilegeEscalation false`);
        need(sc.readOnlyRootFilesystem === true, `${name}/${c.name}: read-only root filesystem`);
        need(sc.capabilities?.drop?.includes("ALL"), `${name}/${c.name}: all capabilities dropped`);
        const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
        need(tmp && pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir), `${name}/${c.name}: a writable /tmp (emptyDir)`);
        need(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory,
          `${name}/${c.name}: cpu and memory requests, memory limit`);
        for (const e of c.env ?? []) {
          need(!(/PASSWORD|KEY|SECRET/.test(e.name) && e.value !== undefined), `${name}/${c.name}: ${e.name} comes from a Secret`);
        }
      }
    };
    // the dev overlay's built-in dev issuer: one replica by design (its key lives in the pod), hardened all the same
    for (const d of of("Deployment").filter((x) => !deployments.includes(x))) {
      const name = d.metadata.name;
      need(overlay.endsWith("dev") && name === "dev-issuer", `${name}: a Deployment that is not a service's (only dev's dev-issuer)`);
      podRules(name, d.spec.template.spec);
      const labels = d.spec.template.metadata.labels;
      need(of("Service").some((s) => Object.entries(s.spec.selector).every(([k, v]) => labels[k] === v)), `${name}: a Service`);
      need(of("NetworkPolicy").some((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length && selects(p.spec.podSelector, labels)),
        `${name}: its own NetworkPolicy`);
    }
    for (const d of deployments) {
      const name = d.metadata.name;
      const pod = d.spec.template.spec;
      const labels = d.spec.template.metadata.labels;
      podRules(name, pod);
      const c = pod.containers[0];
      for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) need(c[p]?.httpGet?.path?.startsWith("/q/health"), `${name}: ${p}`);
      need(c.readinessProbe?.httpGet?.path === "/q/health/ready", `${name}: readiness on /q/health/ready`);
      need((pod.topologySpreadConstraints ?? []).some((t) => t.topologyKey === "topology.kubernetes.io/zone"), `${name}: spread over zones`);
      need((pod.topologySpreadConstraints ?? []).some((t) => t.topologyKey === "kubernetes.io/hostname"), `${name}: spread over nodes`);
      need(d.spec.strategy?.rollingUpdate?.maxUnavailable === 0, `${name}: rolling updates keep every replica`);
      need(of("PodDisruptionBudget").some((p) => selects(p.spec.selector, labels)), `${name}: a PodDisruptionBudget`);
      need(of("Service").some((s) => Object.entries(s.spec.selector).every(([k, v]) => labels[k] === v)), `${name}: a Service`);
      const hpa = of("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === name);
      need(hpa?.apiVersion === "autoscaling/v2", `${name}: an autoscaling/v2 HPA`);
      need(hpa?.spec.minReplicas >= 2, `${name}: at least two replicas`);
      need(hpa?.spec.metrics?.some((m) => m.resource?.name === "cpu"), `${name}: HPA on CPU`);
      need(hpa?.spec.behavior?.scaleDown?.stabilizationWindowSeconds > 0, `${name}: scale-down stabilisation`);
      need(of("NetworkPolicy").some((p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length && selects(p.spec.podSelector, labels)),
        `${name}: its own NetworkPolicy`);
    }
    for (const name of ["gns3-gateway-service", "automation-service"]) {
      const hpa = of("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === name);
      need(hpa?.spec.metrics?.some((m) => m.type === "Pods"), `${name}: HPA on its custom metric`);
    }
    // only the gateway and automation-service reach beyond the cluster's services and infrastructure (GNS3)
    const INFRA = new Set([53, 5432, 6379, 9092]);
    for (const p of of("NetworkPolicy")) {
      const outside = (p.spec.egress ?? []).filter((r) => !r.to && (r.ports ?? []).some((x) => !INFRA.has(x.port)));
      const who = p.spec.podSelector.matchLabels?.["app.kubernetes.io/name"];
      need(outside.length === 0 || ["gns3-gateway-service", "automation-service"].includes(who),
        `NetworkPolicy ${p.metadata.name}: only the gateway and automation reach GNS3`);
    }
    const deny = of("NetworkPolicy").find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
    need(deny && deny.spec.policyTypes.includes("Ingress") && deny.spec.policyTypes.includes("Egress"), "a default-deny NetworkPolicy");
    const job = of("Job").find((j) => j.metadata.name === "labfleet-kafka-topics");
    need(job, "the Job that creates the Kafka topics");
    if (job) podRules("job/" + job.metadata.name, job.spec.template.spec);
    // every Secret a pod names exists in the overlay (dev) or is documented as made outside git (prod)
    const named = new Set();
    for (const w of [...of("Deployment"), ...of("Job")]) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) named.add(e.valueFrom.secretKeyRef.name);
      }
    }
    const secrets = new Set(of("Secret").map((s) => s.metadata.name));
    if (overlay.endsWith("dev")) for (const n of named) need(secrets.has(n), `secret ${n} is generated by the dev overlay`);
    if (overlay.endsWith("prod")) need(secrets.size === 0, "prod renders no Secret (they are made outside git)");
    assert.deepEqual(problems, []);
  });
}
