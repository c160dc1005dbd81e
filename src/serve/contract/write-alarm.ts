// Says it loudly when the contract server's history log stops taking writes, and when it takes
// them again: every reading is refused with 503 meanwhile, and readiness alone (a probe nobody
// reads) left an operator to find it from the clients' errors. One error line per episode, naming
// the cause's code, one info line when it ends (as the AI4I app's "PREDICTIONS REFUSED"), and the
// gauge both servers export, so deploy/monitoring's MillwrightStoreDegraded fires for either.
import type { FastifyBaseLogger } from "fastify";
import type { WriteProblem } from "../../store/write-problem.js";

export class WriteAlarm {
  private said: WriteProblem | null = null;

  constructor(
    /** The log's problem now, or null (ContractService.writeProblem: its own state, no query). */
    private readonly problem: () => WriteProblem | null,
    private readonly gauge: { set(v: number): void },
    private readonly log: Pick<FastifyBaseLogger, "error" | "info">,
  ) {}

  /** Looks now: sets the gauge, and says a change (a new cause is a new episode). */
  look(): void {
    const p = this.problem();
    const was = this.said;
    this.gauge.set(p ? 1 : 0);
    this.said = p;
    if (p && p.code !== was?.code)
      this.log.error({ code: p.code }, `PREDICTIONS REFUSED (${p.code}): ${p.reason}`);
    else if (!p && was)
      this.log.info({ code: was.code }, `history log writable again (was ${was.code}): predictions accepted`);
  }

  /** Looks every `ms` (not only when a request fails: a deleted directory, or space back, needs none). */
  every(ms: number): NodeJS.Timeout {
    const timer = setInterval(() => this.look(), ms);
    timer.unref();
    return timer;
  }
}
