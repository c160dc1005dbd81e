// A token bucket of explained readings per second, shared by every client: explanations run on the
// event loop, so their total rate (not only each request's size) decides whether liveness answers.
import { MillwrightError } from "../core/errors.js";

export class ExplainBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Takes `n` readings' worth, or throws MW_RATE_LIMITED (429) with the seconds to wait. */
  take(n: number): void {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (n <= this.tokens) {
      this.tokens -= n;
      return;
    }
    const wait = Math.ceil((n - this.tokens) / this.perSecond);
    throw new MillwrightError(
      "MW_RATE_LIMITED",
      `explanations are limited to ${this.perSecond} readings per second for all clients; retry in ${wait} s, or ask without explain=true`,
      { retry_after_seconds: wait },
    );
  }
}
