// A request's scored columns packed straight into layout 4 (packed-columns.ts) make the very rows
// packReadings makes of the same readings as objects (byte for byte: the log cannot tell which path
// wrote a row), and a log written from columns replays, after a restart, the readings it was given.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { uuidv7Many } from "../../src/serve/ids.js";
import { packReadings } from "../../src/store/history/packed.js";
import { packGroups, readingsOf } from "../../src/store/history/packed-columns.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import type { ReadingGroup } from "../../src/store/history/types.js";
import { rng } from "../helpers/shop-cycles.js";

const dir = mkdtempSync(join(tmpdir(), "mw-hcols-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const AWKWARD = [Number.NaN, -0, 0, 1e-310, -1.5e308, Math.PI, 0.1 + 0.2];

/** A random group: NaN (null), -0 and subnormal values, heads missing (null column) or NaN, ids
 * that split into several rows (other prefixes, one with an astral character). */
function randomGroup(r: () => number, n: number, at?: number): ReadingGroup {
  const pick = () => (r() < 0.4 ? AWKWARD[Math.floor(r() * AWKWARD.length)] : (r() - 0.5) * 1e4);
  const nv = 1 + Math.floor(r() * 6);
  const headNames = ["tool_wear", "spindle_bearing", "coolant_pump"].slice(0, Math.floor(r() * 4));
  const ids = uuidv7Many(n, at ?? 1_750_000_000_000 + Math.floor(r() * 1e6));
  if (n > 3) ids[n - 2] = `other-${ids[n - 2]}`;
  if (n > 5) ids[n - 1] = `😀-${ids[n - 1]}`;
  const col = () => Float64Array.from({ length: n }, pick);
  return {
    n,
    ids,
    machines: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "M\u00fc1" : `M${Math.floor(r() * 9)}`)),
    times: Float64Array.from({ length: n }, (_, i) => 1_750_000_000_000 + i * 1000),
    values: Array.from({ length: nv }, col),
    modelVersion: r() < 0.5 ? "1.0.0" : "2.3.1-rc",
    predictedAt: 1_750_000_000_123,
    failure: Float64Array.from({ length: n }, () => (r() < 0.1 ? -0 : r())),
    headNames,
    heads: headNames.map(() => (r() < 0.3 ? null : col())),
  };
}

describe("layout 4 packed from columns", () => {
  test("the rows packReadings makes of the same readings, byte for byte", () => {
    const r = rng(7);
    for (let k = 0; k < 200; k++) {
      // One request, or several in one group commit (of one model or two; in one millisecond or not).
      const at = k % 3 === 0 ? 1_750_000_000_000 : undefined;
      const gs = Array.from({ length: 1 + (k % 4) }, () => randomGroup(r, [0, 1, 2, 7, 50, 1000][k % 6], at));
      const want = packReadings(gs.flatMap(readingsOf));
      const got = packGroups(gs);
      assert.equal(got.length, want.length);
      got.forEach((row, i) => {
        const { nums, ...rest } = row;
        const { nums: wantNums, ...wantRest } = want[i];
        assert.deepEqual(rest, wantRest);
        assert.ok(Buffer.from(nums).equals(Buffer.from(wantNums)), `group ${k}, row ${i}: numbers differ`);
      });
    }
  });

  for (const writerThread of [true, false])
    test(`a log written from columns replays the same readings after a restart (writer thread: ${writerThread})`, async () => {
      const r = rng(11);
      const groups = [randomGroup(r, 1000), randomGroup(r, 3), randomGroup(r, 1), randomGroup(r, 40)];
      const path = join(dir, `cols-${writerThread}.db`);
      const log = new SqliteHistoryLog(path, { writerThread });
      await log.init();
      const first = await log.appendReadingColumns(groups[0]);
      assert.deepEqual(
        first,
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      // Several requests in one group commit (with an object append between): one transaction, seqs in
      // call order, and the neighbouring requests' readings packed together.
      const rest = await Promise.all([
        log.appendReadingColumns(groups[1]),
        log.appendReadings(readingsOf(groups[2])),
        log.appendReadingColumns(groups[3]),
      ]);
      assert.deepEqual(rest, [[1001, 1002, 1003], [1004], Array.from({ length: 40 }, (_, i) => 1005 + i)]);
      assert.deepEqual(await log.appendReadingColumns({ ...groups[1], n: 0, ids: [] }), []);
      const before = await log.entriesAfter(0);
      await log.close();
      const again = new SqliteHistoryLog(path, { writerThread });
      await again.init();
      const replayed = await again.entriesAfter(0);
      await again.close();
      const want = groups.flatMap(readingsOf).map((reading, i) => ({ seq: i + 1, type: "reading", reading }));
      assert.deepEqual(replayed, want);
      assert.deepEqual(replayed, before);
    });
});
