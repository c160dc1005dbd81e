// Shop G's thread rollers, lathes and machining centres, after its headers (shop-bolts-makes.ts),
// and the roller bought in week 9. Data only: shop-bolts.ts makes the export from it.
import { HEADERS, type MakeModel } from "./shop-bolts-makes.js";

export { type MachineType, type MakeModel, PREFIX, type Signal } from "./shop-bolts-makes.js";

export const FLEET: MakeModel[] = [
  ...HEADERS,
  {
    make: "Reed-Rico",
    model: "A-22",
    type: "roller",
    years: [1991, 1996, 1999],
    file: "reedrico-a22",
    // OilTemp, as Sakamura writes it, but in °F: the same column name in another unit.
    cols: { load_pct: "SpindleLoad", count: "PartCount", oil_f: "OilTemp" },
    failures: { bearing: 1, lube: 2 },
  },
  {
    make: "Tesker",
    model: "300",
    type: "roller",
    years: [2006, 2012],
    file: "tesker-300",
    cols: { load_pct: "Load", count: "Parts", oil_f: "Oil_F", vib_in: "Vib_IPS" },
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Nissei",
    model: "NRS-80",
    type: "roller",
    years: [2003, 2017],
    file: "nissei-nrs80",
    cols: { load_pct: "LOAD_RATE", count: "WORK_COUNT", oil_c: "OIL_TEMP" },
    failures: { bearing: 0, lube: 1 },
  },
  {
    make: "Ingramatic",
    model: "R-30",
    type: "roller",
    years: [2014],
    file: "ingramatic-r30",
    cols: { load_pct: "Carico", count: "Contapezzi", vib_mm: "Vib_RMS" },
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Haas",
    model: "ST-20",
    type: "lathe",
    years: [2012, 2016, 2019],
    file: "haas-st20",
    cols: { load_pct: "Spindle Load (%)", count: "Parts Count", speed: "Spindle Speed (RPM)" },
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Mazak",
    model: "QT-200",
    type: "lathe",
    years: [2010, 2014],
    file: "mazak-qt200",
    cols: { load_pct: "SP1 Load", count: "PartCount", speed: "SP1 RPM", brg_c: "SP1 Temp" },
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Okuma",
    model: "LB3000",
    type: "lathe",
    years: [2015, 2020],
    file: "okuma-lb3000",
    cols: {
      load_pct: "SPINDLE.LOAD_PCT",
      count: "PART_COUNT",
      speed: "SPINDLE.RPM",
      brg_c: "SPINDLE.TEMP_C",
      vib_mm: "SPINDLE.VIB_RMS",
    },
    failures: { bearing: 1, lube: 0 },
  },
  {
    make: "Doosan",
    model: "Lynx 220",
    type: "lathe",
    years: [2013, 2018],
    file: "doosan-lynx220",
    cols: { load_pct: "Sp_Load", count: "Work_Count", speed: "Sp_Speed" },
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Tsugami",
    model: "B0205",
    type: "lathe",
    years: [2017],
    file: "tsugami-b0205",
    cols: { load_pct: "S1_LOAD", count: "PRODUCT_CNT", speed: "S1_RPM", oil_c: "OIL_TEMP" },
    failures: { bearing: 0, lube: 1 },
  },
  {
    make: "Haas",
    model: "VF-2",
    type: "mc",
    years: [2011, 2015],
    file: "haas-vf2",
    cols: { load_pct: "Spindle Load (%)", count: "Parts Count", speed: "Spindle Speed (RPM)" },
    failures: { bearing: 0, lube: 0 },
  },
  {
    make: "Fanuc",
    model: "Robodrill D21",
    type: "mc",
    years: [2019],
    file: "fanuc-robodrill",
    cols: { load_pct: "SPDL_LOAD", count: "PARTS_TOTAL", speed: "SPDL_RPM", brg_c: "SPDL_TEMP" },
    failures: { bearing: 0, lube: 0 },
  },
];

/**
 * The machine bought in week 9, after the 60-day export: a make the shop never had (a Chun Zu
 * thread roller), its own file, on the machine table only from its arrival.
 */
export const NEW_MACHINE: MakeModel = {
  make: "Chun Zu",
  model: "CTR-20",
  type: "roller",
  years: [2026],
  file: "chunzu-ctr20",
  cols: { load_pct: "motor_load", count: "counter", oil_c: "oil_temp", vib_mm: "vibration" },
  failures: { bearing: 0, lube: 0 },
};
