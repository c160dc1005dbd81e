// Batch workers for /v1/predict (batch-worker.ts): a large batch body goes, as raw bytes, to the
// least busy worker, which reads it by column, predicts and writes the answer there; the main thread
// gets back bytes to send and the batch to log. Why: the main thread is the one that takes the HTTP
// work, the log and the fleet; with several batches at once, the second core takes the rest. Whatever goes wrong in a worker (a bad body, a crash, a missing model) resolves to null,
// and the caller then handles the request on the main thread the ordinary way: the pool can make a
// batch faster, never change its answer or its error.
import type { Worker } from "node:worker_threads";
import { siblingWorkerUrl, spawnWorker } from "../store/thread.js";
import type { PredictionBatch } from "../store/types.js";
import { bundleToJSON, type ModelBundle } from "../train/bundle.js";
import { BUNDLES_KEPT, type BatchReply, type BatchRequest } from "./batch-protocol.js";

const WORKER_URL = siblingWorkerUrl(import.meta.url, "batch-worker");
// A batch makes a few MB of short-lived objects; 8 MB of young generation keeps those in cheap
// scavenges without sizing the heap like the main thread's (each MB here is RSS under load).
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

export interface BatchResult {
  answer: Buffer;
  batch: PredictionBatch;
  failures: number;
}

interface Slot {
  worker: Worker | null;
  pending: Map<number, (r: BatchReply | null) => void>;
  versions: string[];
}

export class BatchPool {
  private readonly slots: Slot[];
  private nextId = 1;
  private closed = false;
  /** Batches predicted in a worker, and handed back to the main thread (bad body, crash, no model). */
  readonly stats = { predicted: 0, handedBack: 0 };

  constructor(
    size: number,
    private readonly workerUrl: URL = WORKER_URL,
  ) {
    this.slots = Array.from({ length: size }, () => ({ worker: null, pending: new Map(), versions: [] }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Predicts a raw batch body in a worker; null means "do it on the main thread". */
  async run(
    bundle: ModelBundle,
    body: Uint8Array,
    requestId: string,
    maxBatch: number,
  ): Promise<BatchResult | null> {
    if (this.closed || this.slots.length === 0) return null;
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const worker = this.live(slot);
    if (!slot.versions.includes(bundle.version)) {
      if (slot.versions.length >= BUNDLES_KEPT) slot.versions.shift();
      slot.versions.push(bundle.version);
      worker.postMessage({
        op: "model",
        version: bundle.version,
        bundle: bundleToJSON(bundle),
      } satisfies BatchRequest);
    }
    // A copy in an ArrayBuffer of its own: the request body may be a view on a larger buffer.
    const copy = new ArrayBuffer(body.byteLength);
    new Uint8Array(copy).set(body);
    const id = this.nextId++;
    const reply = await new Promise<BatchReply | null>((resolve) => {
      if (slot.pending.size === 0) worker.ref();
      slot.pending.set(id, resolve);
      worker.postMessage(
        {
          op: "predict",
          id,
          body: copy,
          version: bundle.version,
          requestId,
          maxBatch,
        } satisfies BatchRequest,
        [copy],
      );
    });
    if (!reply?.ok) {
      this.stats.handedBack++;
      if (reply?.why === "model not loaded")
        slot.versions = slot.versions.filter((v) => v !== bundle.version);
      return null;
    }
    this.stats.predicted++;
    return {
      answer: Buffer.from(reply.answer, 0, reply.answerBytes),
      batch: reply.batch,
      failures: reply.failures,
    };
  }

  /** Ends the workers; batches still in a worker resolve to null (done on the main thread). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (s) => {
        const w = s.worker;
        s.worker = null;
        this.settle(s, null);
        if (w) await w.terminate();
      }),
    );
  }

  private live(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = spawnWorker(this.workerUrl, { resourceLimits: RESOURCE_LIMITS });
    slot.versions = [];
    const gone = () => {
      if (slot.worker !== w) return;
      slot.worker = null; // the next batch starts a fresh one
      this.settle(slot, null);
    };
    w.on("message", (m: BatchReply) => {
      const resolve = slot.pending.get(m.id);
      if (!resolve) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) w.unref();
      resolve(m);
    });
    w.on("error", gone);
    w.on("exit", gone);
    w.unref(); // idle workers must not keep the process alive
    slot.worker = w;
    return w;
  }

  private settle(slot: Slot, r: null): void {
    const all = [...slot.pending.values()];
    slot.pending.clear();
    for (const resolve of all) resolve(r);
  }
}
