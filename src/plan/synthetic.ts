// A seeded stand-in for the model and the fleet, shaped like AI4I's failure rules, for the planner's
// tests and benchmark (the planner must not depend on the trained model). Per-process probabilities
// rise smoothly across each published threshold: tool wear 200–240 min (TWF), wear × torque over
// 11,000/12,000/13,000 minNm (OSF), temperature difference < 8.6 K at < 1380 rpm (HDF), power outside
// 3500–9000 W (PWF).
import type { Rng } from "../core/rng.js";
import { machineId, modelOfMachine } from "../data/machines.js";
import type { ProductType, Reading } from "../data/schema.js";
import type { MachineHistory } from "./forecast.js";
import type { RiskPrediction } from "./types.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const OSF_LIMIT: Record<ProductType, number> = { L: 11_000, M: 12_000, H: 13_000 };

export function syntheticRisk(r: Reading): RiskPrediction {
  const power = (r.torque * r.rotational_speed * 2 * Math.PI) / 60;
  const dT = r.process_temperature - r.air_temperature;
  const twf = 0.0003 + 0.12 * sigmoid((r.tool_wear - 215) / 8);
  const osf = 0.0003 + 0.5 * sigmoid((r.tool_wear * r.torque - OSF_LIMIT[r.type]) / 400);
  const hdf = 0.0003 + 0.4 * sigmoid((8.6 - dT) / 0.3) * sigmoid((1380 - r.rotational_speed) / 30);
  const pwf = 0.0003 + 0.5 * (sigmoid((3500 - power) / 150) + sigmoid((power - 9000) / 150));
  const failure = 1 - (1 - twf) * (1 - osf) * (1 - hdf) * (1 - pwf) * (1 - 0.001);
  return { failure, modes: { twf, hdf, pwf, osf } };
}

export const syntheticPredict = (rs: Reading[]): RiskPrediction[] => rs.map(syntheticRisk);

/**
 * `n` machines with `hours` hourly readings ending at `end`: random tool wear, and a few machines
 * running hot and slow (heat risk) or heavy (power risk), so every task type has work.
 */
export function syntheticFleet(rng: Rng, n: number, end: Date, hours = 12): MachineHistory[] {
  const types: ProductType[] = ["L", "L", "L", "L", "L", "M", "M", "M", "H", "H"];
  return Array.from({ length: n }, (_, i) => {
    const model = modelOfMachine(i);
    const kind = rng.next();
    const hot = kind < 0.15;
    const heavy = kind > 0.88;
    let wear = rng.next() * 180;
    const history: Reading[] = [];
    for (let h = 0; h < hours; h++) {
      const type = types[rng.int(types.length)];
      const air = 300 + model.thermalOffset + rng.normal();
      const torque = Math.max(5, (heavy ? 62 : 40) * model.loadFactor + 4 * rng.normal());
      history.push({
        type,
        air_temperature: air,
        process_temperature: air + (hot ? 8.2 : 10) + model.processHeat + 0.3 * rng.normal(),
        rotational_speed: (hot ? 1340 : 1500) + 40 * rng.normal(),
        torque,
        tool_wear: wear,
        machine_id: machineId(i),
        machine_model: model.name,
        timestamp: new Date(end.getTime() - (hours - 1 - h) * 3_600_000).toISOString(),
      });
      wear += ({ H: 5, M: 3, L: 2 } as const)[type] * model.wearRate;
    }
    return { id: machineId(i), model: model.name, history };
  });
}
