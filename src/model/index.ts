// The model package's public surface: train, predict, explain, calibrate, (de)serialise.
export { applyIsotonic, applyPlatt, fitIsotonic, fitPlatt, type Isotonic, type Platt } from "./calibrate.js";
export { gainImportance, namedImportance } from "./importance.js";
export { predictMargin, predictProba, predictRowMargin, sigmoid } from "./predict.js";
export { boosterFromJSON, boosterToJSON, MODEL_FORMAT, MODEL_FORMAT_VERSION } from "./serialize.js";
export { type ShapResult, treeShap } from "./shap.js";
export {
  DEFAULT_PARAMS,
  EARLY_STOPPING_REL_TOL,
  type TrainData,
  type TrainOptions,
  trainBooster,
} from "./train.js";
export type { Booster, GbdtParams, Tree } from "./types.js";
