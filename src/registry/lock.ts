// A lock file for read-modify-write of registry.json across processes (and hosts sharing the folder).
//
// The file is created complete or not at all (written under a temp name, then hard-linked into
// place, which fails atomically if a lock exists) and names its holder: pid, the kernel's boot id
// and a nonce. A waiter that finds a lock whose holder is dead (another boot, or no such pid on
// this one) takes it over at once, instead of waiting out a timeout: a crash must not block
// promotions for 30 s. The server waits asynchronously (withLock): the event loop keeps answering
// health probes and predictions while another process holds the lock. withLockSync is for
// processes that serve nothing (a training child, the CLI).
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { MillwrightError } from "../core/errors.js";

/** Only for lock files without a holder record (written by an older Millwright). */
const LEGACY_STALE_MS = 30_000;
/**
 * A holder on another host (replicas sharing one registry volume: another pod, container or
 * machine) cannot be looked up here: its pid means nothing in this pid namespace and its boot id
 * is another kernel's. It is taken for dead only when its lock is this old (a registry change
 * takes milliseconds). Judged by pid and boot id, every such lock looked dead, was taken over at
 * once, and two replicas wrote registry.json together.
 */
export const OTHER_HOST_STALE_MS = 30_000;

export interface LockHolder {
  pid: number;
  boot: string;
  nonce: string;
  at: number;
  /** os.hostname() of the holder (absent in locks of older versions). */
  host?: string;
}

let cachedBoot: string | null = null;

/** This boot's id (Linux); "" elsewhere, where a pid alone is checked. */
export function bootId(): string {
  if (cachedBoot === null) {
    try {
      cachedBoot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      cachedBoot = "";
    }
  }
  return cachedBoot;
}

/** True when `pid` on `boot` can no longer be running (the machine rebooted, or the pid is gone). */
export function holderDead(h: { pid: number; boot: string }): boolean {
  const boot = bootId();
  if (h.boot && boot && h.boot !== boot) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to someone else: alive as far as we can tell.
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
  return isZombie(h.pid);
}

/** An exited process its parent has not reaped yet still answers kill(pid, 0), but is dead. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S …": the state follows the last ')' (comm may hold spaces and parentheses).
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return false; // no /proc (not Linux): kill(pid, 0) is all we know
  }
}

function readHolder(path: string): LockHolder | "legacy" | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null; // released meanwhile
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (typeof h.pid === "number" && typeof h.nonce === "string") return h;
  } catch {
    // not ours: fall through
  }
  return "legacy";
}

/** One attempt: our holder record when the lock is taken, else null (held by a live process). */
function tryAcquire(path: string): LockHolder | null {
  const me: LockHolder = {
    pid: process.pid,
    boot: bootId(),
    nonce: randomBytes(8).toString("hex"),
    at: Date.now(),
    host: hostname(),
  };
  const tmp = `${path}.${me.nonce}`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    linkSync(tmp, path);
    return me;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  const h = readHolder(path);
  if (h === null) return null; // gone: the caller retries at once
  const stale =
    h === "legacy"
      ? Date.now() - mtimeOr(path, Date.now()) > LEGACY_STALE_MS
      : h.host !== undefined && h.host !== hostname()
        ? Date.now() - h.at > OTHER_HOST_STALE_MS
        : holderDead(h);
  if (stale) takeOver(path, h);
  return null;
}

function mtimeOr(path: string, dflt: number): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return dflt;
  }
}

/**
 * Removes a dead holder's lock. Two waiters may judge the same lock dead; renaming it away first and
 * checking that the renamed file is the one judged makes sure neither removes a lock the other has
 * just taken (that one is put back).
 */
function takeOver(path: string, seen: LockHolder | "legacy"): void {
  const aside = `${path}.stale-${randomBytes(6).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it
  }
  const got = readHolder(aside);
  const same =
    seen === "legacy" ? got === "legacy" : got !== null && got !== "legacy" && got.nonce === seen.nonce;
  if (!same) {
    try {
      linkSync(aside, path); // a live lock taken between our read and rename: give it back
    } catch {
      // a third process took the lock meanwhile; the one we moved had just been created and its
      // holder will find it gone at release, which is harmless (release checks the nonce)
    }
  }
  rmSync(aside, { force: true });
}

function release(path: string, me: LockHolder): void {
  const h = readHolder(path);
  if (h !== null && h !== "legacy" && h.nonce === me.nonce) rmSync(path, { force: true });
}

function timeoutError(path: string, timeoutMs: number): MillwrightError {
  const h = readHolder(path);
  const who = h && h !== "legacy" ? `process ${h.pid} (alive)` : "another process";
  return new MillwrightError(
    "MW_REGISTRY",
    `registry is locked by ${who} for over ${timeoutMs} ms (${path})`,
    {
      lock: path,
    },
  );
}

/** Runs `fn` holding the lock; waits without blocking the event loop. */
export async function withLock<T>(path: string, fn: () => T, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  let me: LockHolder | null;
  let pause = 2;
  while ((me = tryAcquire(path)) === null) {
    if (Date.now() - start > timeoutMs) throw timeoutError(path, timeoutMs);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(50, pause * 2);
  }
  try {
    return fn();
  } finally {
    release(path, me);
  }
}

/** The same, blocking: only for processes that serve nothing while they wait. */
export function withLockSync<T>(path: string, fn: () => T, timeoutMs = 10_000): T {
  const start = Date.now();
  let me: LockHolder | null;
  while ((me = tryAcquire(path)) === null) {
    if (Date.now() - start > timeoutMs) throw timeoutError(path, timeoutMs);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  try {
    return fn();
  } finally {
    release(path, me);
  }
}
