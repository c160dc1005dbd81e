// A contract server follows the champion alias (cluster mode: another replica or the CLI moves it
// in the shared registry). ContractModels.refresh swaps to where the alias points, once; never
// while a swap is under way (a promotion on this server moves the alias before its swap ends, and
// the follower queued a second swap to the same version: the whole log replayed again); and not at
// all for a server pinned to a version.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import { ContractModels } from "../../../src/serve/contract/routes-models.js";
import { serveTwoVersions } from "../../helpers/contract-served.js";
import { hourlyReading, machineIds } from "../../helpers/contract-served.js";

const served = await serveTwoVersions("mw-follow-");
after(async () => {
  await served.log.close();
  rmSync(served.dir, { recursive: true, force: true });
});

test("refresh follows the alias once, not again while a promotion's swap runs, and a pinned version stays", async () => {
  const { registry, service, v1, v2 } = served;
  for (const m of machineIds(4))
    for (let h = 0; h < 30; h++) await service.predict([hourlyReading(m, h)], true);
  const models = new ContractModels(registry, service);
  // Count the swaps (each replays the log under the model), and make each take 50 ms more, as one
  // on a long log does (seconds): the follower's tick then falls inside one.
  let swaps = 0;
  const swap = service.swap.bind(service);
  service.swap = async (...args: Parameters<typeof swap>) => {
    swaps++;
    await new Promise((r) => setTimeout(r, 50));
    return swap(...args);
  };
  assert.equal(await models.refresh(), null, "the alias is where the server is");

  // The CLI moves the alias: one swap.
  await registry.setAlias("champion", v2);
  assert.deepEqual(await models.refresh(), { from: v1, to: v2 });
  assert.equal(await models.refresh(), null);
  assert.equal(swaps, 1);

  // A promotion here, with the follower's tick during its swap: still one swap.
  const promoting = models.serve(v1, true);
  while (registry.resolve("champion") !== v1) await new Promise((r) => setImmediate(r));
  assert.equal(models.served, v2, "the alias has moved, the swap is under way");
  const ticks = await Promise.all([models.refresh(), models.refresh()]);
  await promoting;
  assert.deepEqual(ticks, [null, null]);
  assert.equal(await models.refresh(), null);
  assert.equal(swaps, 2);
  assert.equal(models.served, v1);

  // Pinned to a version (serve --model 1.0.0): the alias moves, the server stays.
  models.follows = v1;
  await registry.setAlias("champion", v2);
  assert.equal(await models.refresh(), null);
  assert.equal(models.served, v1);
});
