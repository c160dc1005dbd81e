// Schema checks for rendered Kubernetes objects, shared by the k8s and Argo CD tests.
//
// kubernetes-models validates types and required fields but, like the API server's non-strict mode, lets
// unknown fields through, so `imagePullPolcy: Always` would pass. Its validators are compiled JSON-schema
// code that reads every property the schema declares (`data.spec`, `data.replicas`, ...) and enumerates the
// keys of maps (labels, annotations, ConfigMap data). Validating through a Proxy that records those reads
// therefore tells, for every object in the tree, which keys the schema knows: any other key is misspelled or
// unsupported. An object whose schema reads nothing and enumerates nothing is free-form (preserve-unknown).
import { parseAllDocuments } from "yaml";
import { run } from "../helpers/exec.js";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
  prototype: { validate(this: unknown): void };
}

const ROLLOUTS_KINDS = new Set([
  "Rollout",
  "AnalysisTemplate",
  "ClusterAnalysisTemplate",
  "AnalysisRun",
  "Experiment",
]);

/** Where the model class for a group lives: core and built-in groups in kubernetes-models, CRDs in add-ons. */
function modulePath(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  if (group === "monitoring.coreos.com")
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  // argoproj.io holds two projects' CRDs: Argo Rollouts' kinds, and Argo CD's (Application, AppProject, ...)
  if (group === "argoproj.io" && ROLLOUTS_KINDS.has(kind))
    return `@kubernetes-models/argo-rollouts/${apiVersion}/${kind}`;
  if (group === "argoproj.io") return `@kubernetes-models/argo-cd/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export async function modelClass(apiVersion: string, kind: string): Promise<ModelClass> {
  const path = modulePath(apiVersion, kind);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`no schema for ${apiVersion} ${kind} (tried ${path}): ${String(e)}`);
  }
  const cls = mod[kind];
  if (typeof cls !== "function") throw new Error(`${path} exports no ${kind}`);
  return cls as ModelClass;
}

interface Seen {
  path: string;
  target: object;
  read: Set<string>;
  enumerated: boolean;
}

function recorder(target: object, path: string, seen: Seen[]): object {
  const entry: Seen = { path, target, read: new Set(), enumerated: false };
  seen.push(entry);
  const children = new Map<string, object>();
  return new Proxy(target, {
    get(t, key, receiver) {
      const value: unknown = Reflect.get(t, key, receiver);
      if (typeof key !== "string") return value;
      entry.read.add(key);
      if (value !== null && typeof value === "object" && Object.hasOwn(t, key)) {
        let child = children.get(key);
        if (!child) {
          child = recorder(value, `${path}/${key}`, seen);
          children.set(key, child);
        }
        return child;
      }
      return value;
    },
    ownKeys(t) {
      entry.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

/** Keys no schema declares, as JSON pointers ("/spec/template/spec/containers/0/imagePullPolcy"). */
export function unknownFields(cls: ModelClass, obj: object): string[] {
  const seen: Seen[] = [];
  try {
    // The root inherits from the model's prototype: older models (@kubernetes-models/argo-rollouts) find
    // their schema id there, under a symbol, and validate nothing when it is missing.
    const rooted = Object.assign(Object.create(cls.prototype) as object, obj);
    cls.prototype.validate.call(recorder(rooted, "", seen));
  } catch {
    // type errors are reported by validateObject; here only the reads matter
  }
  const unknown: string[] = [];
  for (const s of seen) {
    if (Array.isArray(s.target) || s.enumerated || s.read.size === 0) continue;
    for (const key of Object.keys(s.target)) if (!s.read.has(key)) unknown.push(`${s.path}/${key}`);
  }
  return unknown.sort();
}

/** Every problem with one object: the model's validation error, then each unknown field. */
export async function validateObject(obj: KubeObject): Promise<string[]> {
  const where = `${obj.kind}/${obj.metadata?.name ?? "?"}`;
  const cls = await modelClass(obj.apiVersion, obj.kind);
  const problems: string[] = [];
  try {
    new cls(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const field of unknownFields(cls, obj)) problems.push(`${where}: unknown field ${field}`);
  return problems;
}

/** `kubectl kustomize DIR`, parsed into objects; throws with kubectl's message when it fails. */
export function kustomize(dir: string): KubeObject[] {
  const res = run("kubectl", ["kustomize", dir]);
  if (res.code !== 0) throw new Error(`kubectl kustomize ${dir} failed (${res.code}): ${res.stderr}`);
  return parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as KubeObject)
    .filter((o) => o !== null);
}
