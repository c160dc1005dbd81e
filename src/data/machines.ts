// The simulated shop's makes and models and how they differ. Shared by the fleet simulator, the
// planner's example technician skills and the dashboard's filters.

export interface MachineModel {
  /** Make and model, as written in the `machine_model` column. */
  name: string;
  kind: "lathe" | "mill";
  /** Ambient offset of the machine's enclosure (K): some run warmer. */
  thermalOffset: number;
  /** Extra process heating above the AI4I +10 K (K): spindle and coolant design. */
  processHeat: number;
  /** Multiplier on tool wear per process (harder cuts, tougher materials). */
  wearRate: number;
  /** Multiplier on the mean torque (typical load of its jobs). */
  loadFactor: number;
  /** Nominal power the speed is derived from (W); AI4I uses 2860 W. */
  nominalPower: number;
}

export const MACHINE_MODELS: readonly MachineModel[] = [
  {
    name: "Haas VF-2",
    kind: "mill",
    thermalOffset: 0,
    processHeat: 0,
    wearRate: 1.0,
    loadFactor: 1.0,
    nominalPower: 2860,
  },
  {
    name: "DMG Mori NLX 2500",
    kind: "lathe",
    thermalOffset: -0.5,
    processHeat: 0.3,
    wearRate: 0.92,
    loadFactor: 1.02,
    nominalPower: 2900,
  },
  {
    name: "Mazak QT-200",
    kind: "lathe",
    thermalOffset: 0.8,
    processHeat: -0.1,
    wearRate: 1.08,
    loadFactor: 0.98,
    nominalPower: 2820,
  },
  {
    name: "Okuma Genos L250",
    kind: "lathe",
    thermalOffset: 0.3,
    processHeat: 0.4,
    wearRate: 0.95,
    loadFactor: 1.03,
    nominalPower: 2880,
  },
  {
    name: "Doosan Puma 2600",
    kind: "lathe",
    thermalOffset: 1.2,
    processHeat: -0.1,
    wearRate: 1.12,
    loadFactor: 1.0,
    nominalPower: 2840,
  },
  {
    name: "Hurco VM10i",
    kind: "mill",
    thermalOffset: -0.8,
    processHeat: 0.1,
    wearRate: 1.04,
    loadFactor: 0.97,
    nominalPower: 2900,
  },
  {
    name: "Brother Speedio S700",
    kind: "mill",
    thermalOffset: 0.2,
    processHeat: 0.2,
    wearRate: 0.9,
    loadFactor: 0.96,
    nominalPower: 2940,
  },
  {
    name: "Hardinge T42",
    kind: "lathe",
    thermalOffset: 0.5,
    processHeat: 0.0,
    wearRate: 1.0,
    loadFactor: 1.04,
    nominalPower: 2800,
  },
];

/** Machine ids are M01, M02, …; machine i gets model i mod the catalogue size. */
export function machineId(i: number): string {
  return `M${String(i + 1).padStart(2, "0")}`;
}

export function modelOfMachine(i: number): MachineModel {
  return MACHINE_MODELS[i % MACHINE_MODELS.length];
}
