import { MillwrightError } from "../../core/errors.js";
import { loadCsvFile } from "../../data/load.js";
import { type LabelledReading, RAW_FEATURES } from "../../data/schema.js";
import { type Columns, driftReport } from "../../monitor/drift-report.js";
import { renderDriftHtml } from "../../monitor/drift-html.js";
import { TEST_NAMES, isTestName } from "../../monitor/stats/registry.js";
import { writeFileAtomic } from "../../registry/fsutil.js";
import { command, type Options, out, outJson } from "../io.js";

export const DRIFT_HELP = `millwright drift --reference A.csv --current B.csv [--test NAME] [--json] [--html report.html]

Compares the sensor columns of two CSVs (AI4I header or canonical names) feature by feature, with
Evidently's default choice of test: reference ≤ 1,000 rows → Kolmogorov–Smirnov (numeric, p < 0.05),
chi-square or Z-test (categorical); larger → normed Wasserstein (≥ 0.1) or Jensen–Shannon (≥ 0.1).
--test forces one of ${TEST_NAMES.join(", ")} for every feature it applies to.
Dataset drift when at least half the features drifted. Exit 0 either way (drift is a finding, not
an error). --json prints {"dataset_drift", "drift_share", "features": [{"feature", "test",
"statistic", "p_value", "score", "threshold", "drifted"}]}; --html writes an offline report with
reference-vs-current histograms.`;

function columns(rows: readonly LabelledReading[]): Columns {
  const c: Columns = { type: rows.map((r) => r.type) };
  for (const f of RAW_FEATURES) c[f] = Float64Array.from(rows, (r) => r[f]);
  return c;
}

const DRIFT_OPTIONS: Options = { strings: ["reference", "current", "test", "html"], flags: ["json"] };

export const driftCommand = command(DRIFT_HELP, DRIFT_OPTIONS, async (cli) => {
  const refFile = cli.required("reference");
  const curFile = cli.required("current");
  const html = cli.values.html === undefined ? undefined : cli.output("html");
  const test = cli.values.test as string | undefined;
  if (test !== undefined && !isTestName(test))
    throw new MillwrightError("MW_BAD_INPUT", `--test: unknown '${test}'; one of ${TEST_NAMES.join(", ")}`);
  const ref = loadCsvFile(refFile);
  const cur = loadCsvFile(curFile);
  const report = driftReport(columns(ref.rows), columns(cur.rows), test ? { test } : {});
  if (html) {
    writeFileAtomic(
      html,
      renderDriftHtml(report, {
        reference: refFile,
        current: curFile,
        generatedAt: new Date().toISOString(),
      }),
    );
  }
  if (cli.values.json) {
    outJson({
      dataset_drift: report.dataset_drift,
      drift_share: report.drift_share,
      share_threshold: report.share_threshold,
      reference_rows: ref.rows.length,
      current_rows: cur.rows.length,
      features: report.features.map(({ histogram: _h, ...f }) => f),
    });
  } else {
    out(
      `dataset drift: ${report.dataset_drift ? "YES" : "no"} — ${(report.drift_share * 100).toFixed(0)} % of features drifted`,
    );
    for (const f of report.features)
      out(
        `  ${f.feature.padEnd(20)} ${f.test.padEnd(13)} score ${f.score.toPrecision(4).padStart(10)}  threshold ${String(f.threshold).padEnd(5)} ${f.drifted ? "DRIFTED" : "ok"}`,
      );
    if (cli.values.html) out(`report: ${String(cli.values.html)}`);
  }
  return 0;
});
