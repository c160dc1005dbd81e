// The model registry: a directory of versions, each complete or absent, plus aliases.
//
//   DIR/registry.json              {"aliases": {"champion": "1.2.0", "challenger": null}}
//   DIR/champions.jsonl            every champion change, with its reason (champions.ts; rollback reads it)
//   DIR/versions/1.2.0/model.json  the bundle (tagged, versioned JSON)
//   DIR/versions/1.2.0/…           metrics.json, lineage.json, card.md, card.json, report.html, reference.json
//
// A version is written into a temp directory and renamed into place: a crash leaves no half version.
// Two trainings at once race for the next number by rename, which fails on a non-empty target, so the
// loser simply takes the next number.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { type ModelBundle, bundleFromJSON, bundleToJSON } from "../train/bundle.js";
import { type HistoryModel, historyModelFromJSON, isHistoryModelJSON } from "../train/history-model.js";
import { appendChampionChange, rollbackTarget } from "./champions.js";
import { fsyncDir, writeFileAtomic } from "./fsutil.js";
import { withLock, withLockSync } from "./lock.js";
import { compareSemver as comparePrecedence, tryParseSemver } from "../core/semver.js";

const isSemver = (s: string): boolean => tryParseSemver(s) !== null;
/** Sort order of version strings that are known to be semantic versions. */
const compareSemver = (a: string, b: string): number =>
  comparePrecedence(
    tryParseSemver(a) as NonNullable<ReturnType<typeof tryParseSemver>>,
    tryParseSemver(b) as NonNullable<ReturnType<typeof tryParseSemver>>,
  );

export const ALIASES = ["champion", "challenger"] as const;
export type Alias = (typeof ALIASES)[number];

export interface VersionFiles {
  /** The AI4I bundle, or `model`: any other model file (a data-contract model) as JSON. */
  bundle?: ModelBundle;
  model?: (version: string) => object;
  /** Extra files written beside model.json: name → content. */
  files: Record<string, string>;
}

export interface VersionSummary {
  version: string;
  createdAt: string;
  aliases: Alias[];
  metrics: Record<string, unknown> | null;
  lineage: Record<string, unknown> | null;
}

/** How a champion change is recorded in champions.jsonl. */
interface ChampionNote {
  action: "promote" | "rollback";
  reason: string | null;
}

interface RegistryIndex {
  aliases: Record<Alias, string | null>;
}

export class ModelRegistry {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private get versionsDir(): string {
    return join(this.dir, "versions");
  }

  private get indexPath(): string {
    return join(this.dir, "registry.json");
  }

  versions(): string[] {
    if (!existsSync(this.versionsDir)) return [];
    return readdirSync(this.versionsDir)
      .filter((v) => isSemver(v) && existsSync(join(this.versionsDir, v, "model.json")))
      .sort(compareSemver);
  }

  readIndex(): RegistryIndex {
    if (!existsSync(this.indexPath)) return { aliases: { champion: null, challenger: null } };
    try {
      const o = JSON.parse(readFileSync(this.indexPath, "utf8")) as Partial<RegistryIndex>;
      return {
        aliases: { champion: o.aliases?.champion ?? null, challenger: o.aliases?.challenger ?? null },
      };
    } catch (e) {
      throw new MillwrightError(
        "MW_REGISTRY",
        `${this.indexPath}: not valid JSON (${(e as Error).message})`,
        {
          file: this.indexPath,
        },
      );
    }
  }

  /** A version string or an alias → a version that exists. */
  resolve(ref: string): string {
    const idx = this.readIndex();
    const v = (ALIASES as readonly string[]).includes(ref) ? idx.aliases[ref as Alias] : ref;
    if (!v)
      throw new MillwrightError("MW_MODEL_NOT_FOUND", `no model is aliased '${ref}' in ${this.dir}`, { ref });
    if (ref === "latest") {
      const all = this.versions();
      if (all.length === 0)
        throw new MillwrightError("MW_MODEL_NOT_FOUND", `no model versions in ${this.dir}`);
      return all[all.length - 1];
    }
    if (!isSemver(v) || !existsSync(join(this.versionsDir, v, "model.json")))
      throw new MillwrightError("MW_MODEL_NOT_FOUND", `model version '${v}' not found in ${this.dir}`, {
        ref,
      });
    return v;
  }

  versionDir(version: string): string {
    return join(this.versionsDir, version);
  }

  /** The parsed model.json of a version (any format), with its resolved version and path. */
  readModelJson(ref: string): { version: string; file: string; obj: unknown } {
    const v = this.resolve(ref);
    const file = join(this.versionDir(v), "model.json");
    try {
      return { version: v, file, obj: JSON.parse(readFileSync(file, "utf8")) };
    } catch (e) {
      throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: cannot read model (${(e as Error).message})`, {
        file,
      });
    }
  }

  /** The data contract a version was trained with, by name (null: a model of the retired AI4I app). */
  contractName(ref: string): string | null {
    const { obj } = this.readModelJson(ref);
    return isHistoryModelJSON(obj) ? String((obj as { contract?: { name?: unknown } }).contract?.name) : null;
  }

  /** A version that must be a data-contract model (what the contract server and retraining load). */
  historyModel(ref: string): HistoryModel {
    const { obj, file, version } = this.readModelJson(ref);
    if (!isHistoryModelJSON(obj))
      throw new MillwrightError(
        "MW_MODEL_CORRUPT",
        `${file}: model ${version} is not a data-contract model`,
        {
          file,
          version,
        },
      );
    return historyModelFromJSON(obj, file);
  }

  /** Loads a version's model in whichever format it is, so a corrupt one throws MW_MODEL_CORRUPT. */
  check(ref: string): void {
    const { file, obj } = this.readModelJson(ref);
    if (isHistoryModelJSON(obj)) historyModelFromJSON(obj, file);
    else this.load(ref);
  }

  load(ref: string): ModelBundle {
    const { version: v, file, obj } = this.readModelJson(ref);
    if (isHistoryModelJSON(obj))
      throw new MillwrightError(
        "MW_MODEL_CORRUPT",
        `${file}: model ${v} was trained with a data contract; \`millwright predict\` and \`evaluate\` use it, but this server and the retraining loop still take AI4I-column models only`,
        { file },
      );
    const b = bundleFromJSON(obj, file);
    if (b.version !== v)
      throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: says version ${b.version}, stored as ${v}`);
    b.createdAt = String(this.readJson(v, "lineage.json")?.created_at ?? "");
    return b;
  }

  readJson(version: string, name: string): Record<string, unknown> | null {
    const f = join(this.versionDir(version), name);
    if (!existsSync(f)) return null;
    try {
      return JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  summary(version: string): VersionSummary {
    const idx = this.readIndex();
    const lineage = this.readJson(version, "lineage.json");
    return {
      version,
      createdAt: String(lineage?.created_at ?? ""),
      aliases: ALIASES.filter((a) => idx.aliases[a] === version),
      metrics: this.readJson(version, "metrics.json"),
      lineage,
    };
  }

  list(): VersionSummary[] {
    return this.versions().map((v) => this.summary(v));
  }

  nextVersion(after: string[] = this.versions()): string {
    if (after.length === 0) return "1.0.0";
    const last = after[after.length - 1].split("-")[0].split(".").map(Number);
    return `${last[0]}.${last[1] + 1}.0`;
  }

  /**
   * Writes a complete version and returns its number. The first version becomes champion.
   * `build` receives the version number, so files can embed it.
   */
  register(build: (version: string) => VersionFiles): string {
    mkdirSync(this.versionsDir, { recursive: true });
    const tmp = join(
      this.versionsDir,
      `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    let attempt = this.nextVersion();
    for (let tries = 0; tries < 50; tries++) {
      const vf = build(attempt);
      mkdirSync(tmp, { recursive: true });
      try {
        const json = vf.model
          ? vf.model(attempt)
          : bundleToJSON({ ...(vf.bundle as ModelBundle), version: attempt });
        writeFileAtomic(join(tmp, "model.json"), `${JSON.stringify(json)}\n`);
        for (const [name, content] of Object.entries(vf.files)) writeFileAtomic(join(tmp, name), content);
        fsyncDir(tmp);
        renameSync(tmp, this.versionDir(attempt));
        fsyncDir(this.versionsDir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        rmSync(tmp, { recursive: true, force: true });
        if (code === "ENOTEMPTY" || code === "EEXIST") {
          attempt = this.nextVersion([...this.versions(), attempt].sort(compareSemver));
          continue;
        }
        throw new MillwrightError(
          "MW_REGISTRY",
          `cannot write version ${attempt} to ${this.dir}: ${(e as Error).message}`,
        );
      }
      const version = attempt;
      this.updateIndexSync((idx) => {
        if (!idx.aliases.champion) idx.aliases.champion = version;
      });
      return version;
    }
    throw new MillwrightError("MW_REGISTRY", `could not allocate a version number in ${this.dir}`);
  }

  /**
   * Points an alias at a version, after loading that version's model and checking it: an alias never
   * names a model that does not load (a truncated model.json is refused and registry.json is left as
   * it was). Waits for the registry lock without blocking the event loop.
   */
  async setAlias(alias: Alias, ref: string | null, reason: string | null = null): Promise<void> {
    const v = ref === null ? null : this.resolve(ref);
    if (v !== null) this.check(v);
    await withLock(this.lockPath, () =>
      this.changeIndex(
        (idx) => {
          idx.aliases[alias] = v;
        },
        { action: "promote", reason },
      ),
    );
  }

  private get lockPath(): string {
    return join(this.dir, ".registry.lock");
  }

  private changeIndex(change: (idx: RegistryIndex) => void, note?: ChampionNote): void {
    const idx = this.readIndex();
    const from = idx.aliases.champion;
    change(idx);
    writeFileAtomic(this.indexPath, `${JSON.stringify(idx, null, 2)}\n`);
    const to = idx.aliases.champion;
    if (to !== from)
      appendChampionChange(this.dir, {
        at: new Date().toISOString(),
        action: note?.action ?? (from === null ? "first" : "promote"),
        from,
        to,
        reason: note?.reason ?? null,
      });
  }

  /**
   * Points the champion back at the previous one (champions.ts) and records why. The target is
   * loaded and checked first, as setAlias does. Returns the change.
   */
  /** `accept`: may refuse the move (it throws), under the lock, before anything changes. */
  async rollback(
    reason: string | null,
    accept: (from: string | null, to: string) => void = () => {},
  ): Promise<{ from: string; to: string }> {
    return withLock(this.lockPath, () => {
      const from = this.readIndex().aliases.champion;
      const to = rollbackTarget(this.dir, from);
      this.check(to);
      accept(from, to);
      this.changeIndex(
        (idx) => {
          idx.aliases.champion = to;
        },
        { action: "rollback", reason },
      );
      return { from: from as string, to };
    });
  }

  /** Blocking: register() runs in processes that serve nothing (training, the CLI). */
  private updateIndexSync(change: (idx: RegistryIndex) => void): void {
    mkdirSync(this.dir, { recursive: true });
    withLockSync(this.lockPath, () => this.changeIndex(change));
  }
}
