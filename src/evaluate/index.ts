// The evaluate stage: metrics with scikit-learn's definitions, threshold choice, realised and estimated
// (CBPE) quality, the champion/challenger gate, the model card and the offline HTML report.
export * from "./cbpe.js";
export * from "./compare.js";
export * from "./confusion.js";
export * from "./metrics.js";
export * from "./quality.js";
export * from "./ranking.js";
export * from "./threshold.js";
export * from "./card.js";
export * from "./report.js";
export { fmt } from "./format.js";
