// The drift statistics: pure kernels (each matching a named scipy/Evidently convention), the test
// registry that turns scores into verdicts, and Evidently's default choice of test.
export * from "./binning.js";
export * from "./chi2.js";
export * from "./chisquare.js";
export * from "./choose.js";
export * from "./counts.js";
export * from "./gamma.js";
export * from "./jensenshannon.js";
export * from "./kolmogn.js";
export * from "./ks.js";
export * from "./ks-exact.js";
export * from "./normal.js";
export * from "./psi.js";
export * from "./radix-sort.js";
export * from "./registry.js";
export * from "./smirnov.js";
export * from "./sorted.js";
export * from "./wasserstein.js";
export * from "./ztest.js";
