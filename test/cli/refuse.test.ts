// Issue 18, items 3 and 11: a server that cannot serve exits 2 with the reason instead of hanging,
// and `up` refuses to train a synthetic champion over a registry that only lost its alias, or over
// one whose champion is a model of the AI4I app issue 15 retired. The registry is the AI4I contract's.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { freePort } from "../helpers/server-process.js";

describe("a server that cannot serve exits 2", () => {
  let shop: { dir: string; registryDir: string };
  before(() => {
    shop = ai4iContractShop("mw-refuse-shop-");
  });
  after(() => removeShop(shop));

  /** A copy of the trained registry, changed by `edit`. */
  function registryCopy(edit: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), "mw-refuse-"));
    cpSync(shop.registryDir, join(dir, "models"), { recursive: true });
    edit(join(dir, "models"));
    return dir;
  }

  async function serve(cmd: "serve" | "up", dir: string) {
    const t0 = Date.now();
    const res = await Promise.race([
      runCli([cmd, "--port", String(await freePort())], {
        env: {
          MILLWRIGHT_REGISTRY: join(dir, "models"),
          MILLWRIGHT_DATA_DIR: join(dir, "data"),
          MILLWRIGHT_RETRAIN_MODE: "off",
          LOG_LEVEL: "warn",
        },
      }),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${cmd} hung for 20 s`)), 20_000)),
    ]);
    return { ...res, ms: Date.now() - t0 };
  }

  for (const cmd of ["serve", "up"] as const) {
    test(`${cmd} with a truncated champion model.json: exit 2, the reason, no hang`, async () => {
      const dir = registryCopy((m) => truncateSync(join(m, "versions", "1.0.0", "model.json"), 500));
      try {
        const r = await serve(cmd, dir);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /model\.json: cannot read model/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test("serve with a registry without a champion: exit 2 naming the missing alias", async () => {
    const dir = registryCopy((m) =>
      writeFileSync(join(m, "registry.json"), JSON.stringify({ aliases: { champion: null } })),
    );
    try {
      const r = await serve("serve", dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no model is aliased 'champion'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("up with versions but no champion refuses (exit 2), says how to promote, trains nothing", async () => {
    const dir = registryCopy((m) =>
      writeFileSync(join(m, "registry.json"), JSON.stringify({ aliases: { champion: null } })),
    );
    try {
      const r = await serve("up", dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /holds versions 1\.0\.0 but no champion alias/);
      assert.match(r.stderr, /millwright models promote 1\.0\.0/);
      assert.equal(existsSync(join(dir, "models", "versions", "1.1.0")), false, "no new version");
      assert.equal(existsSync(join(dir, "data", "fleet.csv")), false, "no fleet simulated");
      assert.equal(
        JSON.parse(readFileSync(join(dir, "models", "registry.json"), "utf8")).aliases.champion,
        null,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("up over a champion of the retired AI4I app refuses (exit 2), says what to do, trains nothing", async () => {
    // What a ./models from before issue 15 holds: an AI4I app model file (any model.json that is not
    // a data-contract model's reads as one).
    const dir = registryCopy((m) =>
      writeFileSync(
        join(m, "versions", "1.0.0", "model.json"),
        JSON.stringify({ format: "millwright-model", formatVersion: 1 }),
      ),
    );
    try {
      const r = await serve("up", dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /retired AI4I app.*MILLWRIGHT_REGISTRY/);
      assert.equal(existsSync(join(dir, "models", "versions", "1.1.0")), false, "no new version");
      assert.equal(existsSync(join(dir, "data", "fleet.csv")), false, "no fleet simulated");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("serve, plan, retrain run, monitor --once, predictions export on an AI4I app model: exit 2 naming the train command", async () => {
    // The AI4I app and its log are deleted (docs/one-server.md, step 3): each says what to do instead.
    const dir = registryCopy((m) =>
      writeFileSync(
        join(m, "versions", "1.0.0", "model.json"),
        JSON.stringify({ format: "millwright-model", formatVersion: 1 }),
      ),
    );
    const registry = join(dir, "models");
    try {
      const serveRun = await serve("serve", dir);
      assert.equal(serveRun.code, 2, serveRun.stderr);
      assert.match(
        serveRun.stderr,
        /retired AI4I app.*millwright train --contract examples\/contracts\/ai4i\.yaml/,
      );
      for (const args of [
        ["plan", "--technicians", "x.yaml", "--registry", registry],
        ["retrain", "run", "--registry", registry],
        ["monitor", "--once", "--registry", registry],
        ["predictions", "export", "--out", join(dir, "p.csv"), "--registry", registry],
      ]) {
        const r = await runCli(args, { env: { MILLWRIGHT_DATA_DIR: join(dir, "data") } });
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(
          r.stderr,
          /model 1\.0\.0 is a model of the retired AI4I app.*`millwright train --contract examples\/contracts\/ai4i\.yaml`/,
          args.join(" "),
        );
      }
      assert.equal(existsSync(join(dir, "p.csv")), false, "no file written");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
