// Starting a server's listener, shared by every server `millwright serve` / `up` starts: a listen
// failure said as what to do, and where the dashboard's files are.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MillwrightError } from "../core/errors.js";

/** A listen failure as a usage error that names the port and how to choose another. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  const where = `${host}:${port}`;
  const why =
    code === "EADDRINUSE"
      ? `port ${port} on ${host} is already in use (another Millwright, or another program); choose another with --port N, or --port 0 for any free port`
      : code === "EACCES"
        ? `not allowed to listen on ${where} (ports below 1024 need privileges); choose another with --port N`
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
          ? `cannot listen on ${where}: no such address on this machine (--host)`
          : null;
  return why === null ? e : new MillwrightError("MW_CONFIG", why, { port });
}

export function defaultWebDir(): string | null {
  // dist/src/serve → ../../../web ; src/serve → ../../web
  for (const rel of ["../../../web", "../../web"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, "index.html"))) return p;
  }
  return null;
}
