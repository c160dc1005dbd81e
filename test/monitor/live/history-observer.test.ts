// Observers (the board, the monitor) are told a scored request's readings as one group of columns
// (tellGroup), and a replayed reading as a group of one (tellReading): both must leave them in the
// same state, or a restart (which replays the log) would show another board and another window than
// the server had before it. Also: the board keeps each machine's last feature row of a group as its
// own copy (the group's matrix is valid during the call only), and the monitor keeps a counter
// reading as its rate, from the feature row. A scored group's ids come with their bytes (copied as
// they are); a replayed reading's id is read from its string: the same ids either way.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FeatureMatrix } from "../../../src/features/build.js";
import { FleetBoard } from "../../../src/monitor/live/board.js";
import { tellGroup, tellReading } from "../../../src/monitor/live/history-observer.js";
import { MonitorState } from "../../../src/monitor/live/monitor-state.js";
import type { LoggedReading, ReadingGroup } from "../../../src/store/history/types.js";
import type { HistoryModel } from "../../../src/train/history-model.js";

const NC = 5;

/** Seven readings of three machines: reading 1's first value missing, the second reading a counter, two heads (one gave none). */
function batch(): { g: ReadingGroup; X: FeatureMatrix } {
  const n = 7;
  const X = { data: Float64Array.from({ length: n * NC }, (_, k) => k * 0.5 - 3), nRows: n, nCols: NC };
  const g: ReadingGroup = {
    n,
    ids: Array.from({ length: n }, (_, i) => `01975a3c-1f00-7000-8000-00000000000${i}`),
    machines: Array.from({ length: n }, (_, i) => `M${i % 3}`),
    times: Float64Array.from({ length: n }, (_, i) => 1000 + i),
    values: [
      Float64Array.from({ length: n }, (_, i) => (i === 1 ? Number.NaN : i * 10)),
      Float64Array.from({ length: n }, (_, i) => 500 + i),
    ],
    modelVersion: "1.0.0",
    predictedAt: 5,
    failure: Float64Array.from({ length: n }, (_, i) => i / 10),
    headNames: ["wear", "bearing"],
    heads: [Float64Array.from({ length: n }, (_, i) => i / 100), null],
  };
  // As score-batch.ts has them (uuidv7Many): the ids' ASCII as words.
  g.idWords = new Uint32Array(Uint8Array.from(Buffer.from(g.ids.join(""), "latin1")).buffer);
  return { g, X };
}

/** Reading i of the group as the log gives it back on a replay. */
function logged(g: ReadingGroup, i: number): LoggedReading {
  return {
    id: g.ids[i],
    machine: g.machines[i],
    time: g.times[i],
    values: g.values.map((c) => (Number.isNaN(c[i]) ? null : c[i])),
    modelVersion: g.modelVersion,
    predictedAt: g.predictedAt,
    failureProbability: g.failure[i],
    heads: Object.fromEntries(g.headNames.map((h, k) => [h, g.heads[k]?.[i] ?? null])),
  };
}

const model = {
  contract: {
    readings: [
      { kind: "number", levels: null },
      { kind: "counter", levels: null },
    ],
  },
} as unknown as HistoryModel;
const observers = () => {
  const board = new FleetBoard(model);
  const monitor = new MonitorState(model, "/nonexistent-version-dir");
  return { board, monitor };
};
/** The board's copy of a machine's newest feature row (kept for its reasons). */
const rowOf = (b: FleetBoard, m: string) => [
  ...((b as unknown as { tracks: Map<string, { x: Float64Array }> }).tracks.get(m)?.x ?? []),
];

test("a batch told as one group leaves the board and the monitor as the same readings replayed one by one", () => {
  const { g, X } = batch();
  const live = observers();
  const replayed = observers();
  tellGroup([live.board, live.monitor], g, X);
  for (let i = 0; i < g.n; i++)
    tellReading([replayed.board, replayed.monitor], logged(g, i), X.data.slice(i * NC, (i + 1) * NC));
  for (const m of ["M0", "M1", "M2"]) {
    assert.deepEqual(live.board.readings(m), replayed.board.readings(m), m);
    assert.deepEqual(rowOf(live.board, m), rowOf(replayed.board, m), `${m}'s row`);
  }
  assert.deepEqual(live.monitor.recentRows(), replayed.monitor.recentRows());
  assert.deepEqual(live.monitor.seen, replayed.monitor.seen);
  for (const s of [live.monitor, replayed.monitor]) {
    s.label(g.ids[3], 1);
    s.label(g.ids[4], 0);
  }
  assert.deepEqual(live.monitor.rowLabels(), { y: [1, 0], p: [0.3, 0.4] });
  assert.deepEqual(replayed.monitor.rowLabels(), live.monitor.rowLabels());
});

test("what the board and the monitor keep of a group: values, heads, the last row per machine, counters as rates", () => {
  const { g, X } = batch();
  const { board, monitor } = observers();
  tellGroup([board, monitor], g, X);
  const m1 = board.readings("M1");
  assert.deepEqual(
    m1.map((r) => [r.id, r.time, r.predictedAt, r.p, r.values, r.heads]),
    [1, 4].map((i) => [
      g.ids[i],
      1000 + i,
      5,
      i / 10,
      [i === 1 ? null : i * 10, 500 + i],
      { wear: i / 100, bearing: null },
    ]),
  );
  // M1's last reading of the group is reading 4: its row, copied (the matrix is reused after the call).
  const row4 = [...X.data.subarray(4 * NC, 5 * NC)];
  X.data.fill(99);
  assert.deepEqual(rowOf(board, "M1"), row4);
  // The monitor keeps the counter (the second reading) as the rate in its feature slot, the rest as told.
  const rows = monitor.recentRows();
  assert.equal(rows.length, 7);
  assert.deepEqual(rows[4], { machine: "M1", time: 1004, p: 0.4, values: [40, row4[1]] });
  assert.deepEqual(rows[1].values[0], null);
  assert.deepEqual(
    [...monitor.seen],
    [
      ["M0", 1006],
      ["M1", 1004],
      ["M2", 1005],
    ],
  );
});
