// The canary release record kept in an overlay's release.yaml: a kustomize patch on the Argo Rollout's own
// metadata (never its pod template, so writing it starts no rollout) with three annotations. Pure: text in,
// text out, comments kept (yaml Document API).
import { isMap, parseDocument } from "yaml";
import { MillwrightError } from "../core/errors.js";

export const STATE_KEYS = {
  state: "millwright.io/release-state",
  version: "millwright.io/release-version",
  lastGood: "millwright.io/last-good-version",
} as const;

export const RELEASE_STATES = ["canary", "promoted", "aborted"] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export interface ReleaseRecord {
  /** canary: the version is rolling out; promoted: it is the stable one; aborted: it was rolled back. */
  state: ReleaseState;
  /** The version this record is about (the canary, or the last one promoted / aborted). */
  version: string;
  /** The version the stable pods run, and the one an abort goes back to. */
  lastGood: string;
}

function annotations(text: string, file: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new MillwrightError("MW_CONFIG", `${file}: not valid YAML: ${doc.errors[0].message}`, { file });
  if (doc.get("kind") !== "Rollout")
    throw new MillwrightError("MW_CONFIG", `${file}: must be a patch of kind Rollout`, { file, key: "kind" });
  const map = doc.getIn(["metadata", "annotations"], true);
  if (!isMap(map))
    throw new MillwrightError("MW_CONFIG", `${file}: no metadata.annotations to keep the release record in`, {
      file,
      key: "metadata.annotations",
    });
  return { doc, map };
}

export function readReleaseRecord(text: string, file: string): ReleaseRecord {
  const { map } = annotations(text, file);
  const get = (key: string) => {
    const v = map.get(key);
    if (v == null || String(v) === "")
      throw new MillwrightError("MW_CONFIG", `${file}: annotation ${key} is missing`, { file, key });
    return String(v);
  };
  const state = get(STATE_KEYS.state);
  if (!(RELEASE_STATES as readonly string[]).includes(state))
    throw new MillwrightError(
      "MW_CONFIG",
      `${file}: ${STATE_KEYS.state} is "${state}", not one of ${RELEASE_STATES.join(", ")}`,
      { file, key: STATE_KEYS.state, value: state },
    );
  return {
    state: state as ReleaseState,
    version: get(STATE_KEYS.version),
    lastGood: get(STATE_KEYS.lastGood),
  };
}

/** `text` with the record replaced; every comment and other key kept. Values are quoted strings. */
export function writeReleaseRecord(text: string, file: string, record: ReleaseRecord): string {
  const { doc, map } = annotations(text, file);
  for (const [field, key] of Object.entries(STATE_KEYS)) {
    const node = doc.createNode(record[field as keyof ReleaseRecord]);
    node.type = "QUOTE_DOUBLE";
    map.set(key, node);
  }
  return doc.toString();
}
