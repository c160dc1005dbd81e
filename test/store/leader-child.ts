// A replica in miniature for the leader test: elects on argv[2] (a PostgreSQL URL) with key argv[3]
// and prints "elected" / "demoted" lines until killed.
import { createLeaderElector } from "../../src/store/leader.js";

const elector = createLeaderElector(process.argv[2], {
  key: Number(process.argv[3]),
  intervalMs: 200,
  onElected: () => console.log("elected"),
  onDemoted: () => console.log("demoted"),
});
await elector.start();
console.log("started");
setInterval(() => {}, 1 << 30);
