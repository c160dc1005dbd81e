// Holds the served model and swaps it atomically: a request picks up one bundle reference at its
// start and uses it to the end, so a reload never mixes versions inside an answer or drops a
// request. A failed load leaves the old model serving.
import { MillwrightError } from "../core/errors.js";
import type { ModelRegistry, VersionSummary } from "../registry/registry.js";
import type { ModelBundle } from "../train/bundle.js";

export interface Served {
  bundle: ModelBundle;
  summary: VersionSummary;
  /** The reference the server was asked to follow ("champion", or a pinned version). */
  ref: string;
}

export class ModelService {
  private served: Served | null = null;
  private readonly cache = new Map<string, ModelBundle>();
  private readonly listeners: ((s: Served) => void)[] = [];

  constructor(
    readonly registry: ModelRegistry,
    private ref: string,
  ) {}

  get current(): Served | null {
    return this.served;
  }

  get followRef(): string {
    return this.ref;
  }

  onSwap(fn: (s: Served) => void): void {
    this.listeners.push(fn);
  }

  /** Loads `ref` (default: the followed reference) and swaps it in. Throws and keeps the old one on failure. */
  load(ref = this.ref): Served {
    const version = this.registry.resolve(ref);
    const bundle = this.registry.load(version);
    const next: Served = { bundle, summary: this.registry.summary(version), ref };
    this.served = next;
    this.ref = ref;
    this.cache.set(version, bundle);
    for (const l of this.listeners) l(next);
    return next;
  }

  /** Re-resolves the followed alias; swaps only when it now points elsewhere. Returns true on swap. */
  refresh(): boolean {
    const want = this.registry.resolve(this.ref);
    if (this.served && this.served.bundle.version === want) return false;
    this.load(this.ref);
    return true;
  }

  /** A specific version, for OIP `/versions/{v}` calls; small cache of loaded bundles. */
  bundleFor(version: string | undefined): ModelBundle {
    const s = this.require();
    if (!version || version === s.bundle.version) return s.bundle;
    const hit = this.cache.get(version);
    if (hit) return hit;
    const b = this.registry.load(version);
    if (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(version, b);
    return b;
  }

  require(): Served {
    if (!this.served) throw new MillwrightError("MW_NOT_READY", "no model is loaded yet");
    return this.served;
  }
}
