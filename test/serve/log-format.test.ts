// Log lines: text for people on a terminal, JSON for machines; a normal SIGTERM is not a warning.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chooseLogFormat, formatLogLine } from "../../src/serve/log-format.js";
import { ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { startServerProcess } from "../helpers/server-process.js";

test("text on a terminal, JSON elsewhere; MILLWRIGHT_LOG_FORMAT decides when set", () => {
  assert.equal(chooseLogFormat({}, true), "text");
  assert.equal(chooseLogFormat({}, false), "json");
  assert.equal(chooseLogFormat({ MILLWRIGHT_LOG_FORMAT: "json" }, true), "json");
  assert.equal(chooseLogFormat({ MILLWRIGHT_LOG_FORMAT: "text" }, false), "text");
  assert.equal(chooseLogFormat({ MILLWRIGHT_LOG_FORMAT: "fancy" }, false), "json");
});

test("a pino line becomes one line of text with its fields", () => {
  const t = Date.parse("2026-03-02T14:03:07.123Z");
  assert.equal(
    formatLogLine(
      JSON.stringify({
        level: 30,
        time: t,
        pid: 1,
        hostname: "h",
        msg: "now serving a new version",
        version: "1.1.0",
      }),
    ),
    "14:03:07 INFO  now serving a new version version=1.1.0\n",
  );
  assert.equal(
    formatLogLine(
      JSON.stringify({
        level: 30,
        time: t,
        msg: "request completed",
        req: { method: "GET", url: "/v1/fleet" },
        res: { statusCode: 200 },
        responseTime: 3.21,
      }),
    ),
    "14:03:07 INFO  request completed GET /v1/fleet status=200 3.2 ms\n",
  );
  const err = formatLogLine(
    JSON.stringify({
      level: 50,
      time: t,
      msg: "monitor run failed",
      err: { message: "boom", stack: "Error: boom\n    at x" },
    }),
  );
  assert.match(err, /^14:03:07 ERROR monitor run failed \nError: boom\n {4}at x\n$/);
  assert.equal(formatLogLine("not json"), "not json\n");
});

// `millwright serve` of the AI4I contract: the contract server (issue 15 retired the AI4I app, whose
// leader lock logged "elected leader" and "leadership released"; the contract server has no leader).
describe("the server's own log", () => {
  let shop: { dir: string; registryDir: string };
  before(() => {
    shop = ai4iContractShop("mw-logfmt-");
  });
  after(() => removeShop(shop));

  const env = (format: string) => ({
    MILLWRIGHT_DATA_DIR: join(shop.dir, `data-${format}`),
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_LOG_FORMAT: format,
    MILLWRIGHT_RETRAIN_MODE: "off",
    LOG_LEVEL: "info",
  });

  test("text: no JSON among the human lines; SIGTERM logs no warning", async () => {
    const srv = await startServerProcess(["serve"], env("text"));
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0, srv.output());
    const lines = srv.output().trim().split("\n");
    assert.ok(
      lines.some((l) => / INFO {2}/.test(l)),
      srv.output(),
    );
    for (const l of lines) assert.ok(!l.trimStart().startsWith("{"), `a JSON line among the text: ${l}`);
    assert.ok(!lines.some((l) => / WARN | ERROR /.test(l)), srv.output());
  });

  test("json in a pipe: every log line parses; a normal SIGTERM logs nothing at warning level", async () => {
    const srv = await startServerProcess(["serve"], { ...env("json"), MILLWRIGHT_LOG_FORMAT: "" });
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0, srv.output());
    const logs = srv
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(
      logs.some((l) => l.level === 30),
      srv.output(),
    );
    assert.deepEqual(
      logs.filter((l) => l.level >= 40),
      [],
      "a normal shutdown logs nothing at warning level or above",
    );
  });
});
