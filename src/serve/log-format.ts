// Log lines for people on a terminal, JSON for machines everywhere else (as pino-pretty users
// expect, without a dependency: pino writes JSON lines to this stream, and each becomes one line
// of text). Why our own: the formatting needed is a dozen lines, and a log library in the serving
// path is one more thing to pin for Node 20.
import type { Writable } from "node:stream";

export type LogFormat = "text" | "json";

/** MILLWRIGHT_LOG_FORMAT wins; otherwise text on a terminal and JSON in a pipe, file or container. */
export function chooseLogFormat(env: NodeJS.ProcessEnv, isTTY: boolean): LogFormat {
  const v = env.MILLWRIGHT_LOG_FORMAT;
  if (v === "text" || v === "json") return v;
  return isTTY ? "text" : "json";
}

/** pino's levels 10, 20, … 60, padded to one width. */
const LEVELS = ["TRACE", "DEBUG", "INFO ", "WARN ", "ERROR", "FATAL"];
// pino's bookkeeping, not news for a person.
const SKIP = new Set(["level", "time", "pid", "hostname", "msg", "v"]);

/** A value as written after `key=`: a string bare unless it has spaces, anything else as JSON. */
const value = (v: unknown): string => (typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v));

/** One pino JSON line as text: "14:03:07 INFO  now serving a new version version=1.1.0". */
export function formatLogLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const t = typeof o.time === "number" ? new Date(o.time).toISOString().slice(11, 19) : "";
  const level = LEVELS[(o.level as number) / 10 - 1] ?? String(o.level);
  const parts = [t, level, typeof o.msg === "string" ? o.msg : ""];
  for (const [k, v] of Object.entries(o)) {
    if (SKIP.has(k) || v === undefined) continue;
    if (k === "err" && v && typeof v === "object") {
      const e = v as { message?: string; stack?: string };
      // The stack only for errors, where someone will read it; one line otherwise.
      parts.push((o.level as number) >= 50 && e.stack ? `\n${e.stack}` : `error=${value(e.message)}`);
    } else if (k === "req" && v && typeof v === "object") {
      const r = v as { method?: string; url?: string };
      parts.push(`${r.method ?? ""} ${r.url ?? ""}`.trim());
    } else if (k === "res" && v && typeof v === "object") {
      parts.push(`status=${(v as { statusCode?: number }).statusCode ?? "?"}`);
    } else if (k === "responseTime" && typeof v === "number") parts.push(`${v.toFixed(1)} ms`);
    else parts.push(`${k}=${value(v)}`);
  }
  return `${parts.filter((p) => p !== "").join(" ")}\n`;
}

/** A stream for pino that writes each JSON line as text to `out`. */
export function textLogStream(out: Writable = process.stdout): { write(line: string): void } {
  return {
    write(chunk: string) {
      // pino writes whole lines, one per call; split anyway so a batched write cannot merge lines.
      for (const line of chunk.split("\n")) if (line.trim() !== "") out.write(formatLogLine(line));
    },
  };
}
