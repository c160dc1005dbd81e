// The histogram kernel, the trainer's inner loop (most of its time). It is generated once per
// column layout with the loop over features unrolled and each offset a constant: measured 2–3×
// faster in V8 than the same code with an inner loop over features (400k rows × 9 features,
// 255 bins). The generated source holds only integers computed here, never data or names.

/**
 * Adds rows idx[start..end) into hist: for feature f and bin b, slot 3·(offsets[f] + b) gets the
 * gradient, the next the hessian, the next the row count.
 */
export type HistKernel = (
  hist: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
  bins: Uint8Array,
) => void;

export function histKernel(offsets: Int32Array): HistKernel {
  const nCols = offsets.length;
  const lines: string[] = [];
  for (let f = 0; f < nCols; f++) {
    const off = offsets[f] * 3;
    lines.push(`b = ${off} + bins[o + ${f}] * 3; hist[b] += g; hist[b + 1] += h; hist[b + 2] += 1;`);
  }
  const body = `
    for (let k = start; k < end; k++) {
      const r = idx[k];
      const g = gh[2 * r];
      const h = gh[2 * r + 1];
      const o = r * ${nCols};
      let b;
      ${lines.join("\n      ")}
    }`;
  return new Function("hist", "idx", "start", "end", "gh", "bins", body) as HistKernel;
}
