// Sets an image's newTag in a kustomization.yaml text. Pure: text in, text out.
//
// The yaml Document API locates the node; the new value is then spliced into the original text at
// the node's source range, so every other byte (comments, blank lines, quoting, indentation, key
// order) is left exactly as it was. Re-serialising the whole document would normalise spacing and
// could reflow long lines, which makes noisy diffs in a config repository that people review.
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from "yaml";
import { MillwrightError } from "../core/errors.js";

export interface SetTagResult {
  text: string;
  /** The previous newTag, or null when the entry had none. */
  from: string | null;
}

function quoteLike(node: Scalar | null, value: string): string {
  if (node?.type === "QUOTE_SINGLE") return `'${value}'`;
  if (node?.type === "PLAIN") return value;
  // Double quotes by default: a version such as 1.10 would otherwise be read back as a number.
  return JSON.stringify(value);
}

function findEntry(items: unknown[], image: string): YAMLMap | undefined {
  for (const item of items) {
    if (isMap(item) && item.get("name") === image) return item as YAMLMap;
  }
  return undefined;
}

/**
 * Returns `text` with the `images:` entry named `image` given newTag `tag`.
 * Throws MW_CONFIG naming `file` when the document has no such entry, or when the entry pins a
 * digest (kustomize would ignore the tag) unless `dropDigest` is set.
 */
export function setImageTag(
  text: string,
  image: string,
  tag: string,
  file: string,
  dropDigest = false,
): SetTagResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new MillwrightError("MW_CONFIG", `${file}: not valid YAML: ${doc.errors[0].message}`, { file });
  }
  const images = doc.get("images", true);
  if (!isSeq(images)) {
    throw new MillwrightError("MW_CONFIG", `${file}: no "images:" list to set ${image}'s tag in`, {
      file,
      key: "images",
    });
  }
  const entry = findEntry(images.items, image);
  if (!entry) {
    throw new MillwrightError("MW_CONFIG", `${file}: "images:" has no entry with name: ${image}`, {
      file,
      key: "images[].name",
      image,
    });
  }
  let reshaped = false;
  if (entry.has("digest")) {
    if (!dropDigest) {
      throw new MillwrightError(
        "MW_CONFLICT",
        `${file}: image ${image} is pinned by digest, which overrides newTag; use --force to replace the digest by the tag`,
        { file, key: "digest" },
      );
    }
    entry.delete("digest");
    reshaped = true;
  }

  const node = entry.get("newTag", true);
  const from = isScalar(node) && node.value != null ? String(node.value) : null;
  if (!reshaped && isScalar(node) && node.range) {
    const [start, end] = node.range;
    return { text: text.slice(0, start) + quoteLike(node, tag) + text.slice(end), from };
  }
  // No newTag yet (or a digest was removed): let the Document API add it. Comments survive, and
  // this is a one-time reshaping of the entry.
  entry.set("newTag", doc.createNode(tag));
  const added = entry.get("newTag", true);
  if (isScalar(added)) added.type = "QUOTE_DOUBLE";
  return { text: doc.toString(), from };
}

/** Reads the current newTag of `image`, or null. Used to verify a write. */
export function readImageTag(text: string, image: string): string | null {
  const doc = parseDocument(text);
  const images = doc.get("images", true);
  if (!isSeq(images)) return null;
  const entry = findEntry(images.items, image);
  const tag = entry?.get("newTag");
  return tag == null ? null : String(tag);
}
