// Shop G's fleet, as its maintenance lead would list it (its cold headers here, the rest in
// shop-bolts-fleet.ts): a maker of bolts and nuts running 22 makes
// and models of machines of every age (cold headers and formers, thread rollers, CNC lathes, two
// machining centres), mostly 1-3 of each. Each make's controller (or the retrofit box on an old
// one) is logged by the shop's gateway into a file of its own, under the controller's own names,
// with its own subset of sensors and its own units: the 1982 Hartford has a load meter and a stroke
// counter, the 2019 Chun Zu vibration and two temperatures; the US-built rollers write °F and in/s,
// two formers give the main motor's power in kW instead of a load %. Two makes both write
// `OilTemp`, one in °C and one in °F. Data only: shop-bolts.ts makes the export from it.

/** A physical signal; each make has its own subset, under its own column name. */
export type Signal =
  | "load_pct"
  | "load_kw"
  | "count"
  | "speed"
  | "brg_c"
  | "brg_f"
  | "oil_c"
  | "oil_f"
  | "vib_mm"
  | "vib_in";

export type MachineType = "header" | "roller" | "lathe" | "mc";

export interface MakeModel {
  make: string;
  model: string;
  type: MachineType;
  /** Machines of it in the shop, and the years they were built (one per machine). */
  years: number[];
  /** The gateway's file for it (exports/<file>.csv). */
  file: string;
  /** Signal → the controller's column name. */
  cols: Partial<Record<Signal, string>>;
  /** Rated main motor power, kW (for a make that logs kW). */
  ratedKw?: number;
  /**
   * Failures of each kind the export and the later days hold for this make (by machine order);
   * `late`: all after the export (a make the model never saw fail).
   */
  failures: { bearing: number; lube: number; late?: boolean };
}

/** The first letter of a machine id by type: H-01 header, R-01 roller, L-01 lathe, M-01 centre. */
export const PREFIX: Record<MachineType, string> = { header: "H", roller: "R", lathe: "L", mc: "M" };

const old = (load: string, count: string): Partial<Record<Signal, string>> => ({
  load_pct: load,
  count,
});

/** The cold headers and formers (the rest of the fleet: shop-bolts-fleet.ts). */
export const HEADERS: MakeModel[] = [
  {
    make: "National Machinery",
    model: "FX-410",
    type: "header",
    years: [1998, 2003],
    file: "national-fx410",
    cols: { load_pct: "MAIN_MTR_LOAD", count: "PIECE_CNT", speed: "SPM", oil_f: "LUBE_OIL_F" },
    failures: { bearing: 1, lube: 1 },
  },
  {
    make: "National Machinery",
    model: "FX-520",
    type: "header",
    years: [2011],
    file: "national-fx520",
    cols: {
      load_pct: "MAIN_MTR_LOAD",
      count: "PIECE_CNT",
      speed: "SPM",
      oil_f: "LUBE_OIL_F",
      vib_in: "FLYWHEEL_VIB_IPS",
    },
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Sakamura",
    model: "BP-410",
    type: "header",
    years: [2008, 2010],
    file: "sakamura-bp410",
    cols: { load_pct: "LoadRate", count: "ShotCount", brg_c: "BearingTemp", oil_c: "OilTemp", vib_mm: "Vib" },
    failures: { bearing: 2, lube: 1 },
  },
  {
    make: "Carlo Salvi",
    model: "CS-513",
    type: "header",
    years: [2015, 2016],
    file: "carlosalvi-cs513",
    cols: {
      load_pct: "Carico_Motore",
      count: "Pezzi",
      brg_c: "Temp_Cuscinetto",
      oil_c: "Temp_Olio",
      vib_mm: "Vibrazione",
    },
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Nakashimada",
    model: "NBF-415",
    type: "header",
    years: [2001, 2004],
    file: "nakashimada-nbf415",
    cols: { load_kw: "MainMotor_kW", count: "Count", oil_c: "OilTemp_C" },
    ratedKw: 55,
    failures: { bearing: 1, lube: 1 },
  },
  {
    make: "Hatebur",
    model: "AMP-20",
    type: "header",
    years: [2005],
    file: "hatebur-amp20",
    cols: { load_kw: "Hauptantrieb_kW", count: "Hubzaehler", brg_c: "Lagertemp", oil_c: "Oeltemp" },
    ratedKw: 110,
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Chun Zu",
    model: "CBF-406",
    type: "header",
    years: [2018, 2019, 2021],
    file: "chunzu-cbf406",
    cols: {
      load_pct: "motor_load",
      count: "counter",
      speed: "spm",
      brg_c: "bearing_temp",
      oil_c: "oil_temp",
      vib_mm: "vibration",
    },
    failures: { bearing: 2, lube: 1 },
  },
  {
    make: "Asahi Sunac",
    model: "HBF-3",
    type: "header",
    years: [1989],
    file: "asahi-hbf3",
    cols: old("LOAD", "COUNT"),
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Tanisaka",
    model: "TP-36",
    type: "header",
    years: [1994],
    file: "tanisaka-tp36",
    cols: old("Load_Pct", "Stroke_Count"),
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Hartford",
    model: "5/8 SH",
    type: "header",
    years: [1982],
    file: "hartford-58sh",
    cols: old("AMPS_PCT", "STROKES"),
    failures: { bearing: 0, lube: 1, late: true },
  },
  {
    make: "Sacma",
    model: "SP-360",
    type: "header",
    years: [2007, 2009, 2013],
    file: "sacma-sp360",
    cols: { load_pct: "Carico", count: "Contapezzi", brg_c: "T_Cuscinetto", vib_mm: "Vib_RMS" },
    failures: { bearing: 2, lube: 0 },
  },
];
