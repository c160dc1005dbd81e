// The original design for bench/serve.ts's baseline rows: Flask + scikit-learn under gunicorn (2
// workers), trained on the same CSV, when Debian's python3-flask, python3-sklearn and gunicorn are there.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type Proc, start } from "./harness.js";

const PY = "/usr/bin/python3"; // Debian's, where python3-sklearn and python3-flask live
export const FLASK = "Flask + sklearn (gunicorn, 2 workers)";

function flaskMissing(): string | null {
  if (process.env.BENCH_SKIP_FLASK === "1") return "BENCH_SKIP_FLASK=1";
  const py = spawnSync(PY, ["-c", "import flask, sklearn"], { encoding: "utf8" });
  if (py.status !== 0)
    return `${PY} cannot import flask and sklearn (apt-get install python3-flask python3-sklearn)`;
  if (spawnSync("gunicorn", ["--version"]).status !== 0)
    return "gunicorn is not installed (apt-get install gunicorn)";
  return null;
}

/** The Flask server, trained on `data`, or null with the reason in `notes`. */
export async function startFlask(
  root: string,
  dir: string,
  data: string,
  notes: string[],
): Promise<Proc | null> {
  const missing = flaskMissing();
  if (missing) {
    notes.push(`Flask baseline not run: ${missing}.`);
    console.log(notes.at(-1));
    return null;
  }
  const pkl = join(dir, "sklearn.pkl");
  const t = spawnSync(PY, [join(root, "bench", "baseline", "train_sklearn.py"), data, pkl], {
    encoding: "utf8",
  });
  if (t.status !== 0) throw new Error(`train_sklearn.py failed:\n${t.stderr}`);
  console.log(t.stdout.trim());
  // OMP_NUM_THREADS=1: sklearn's OpenMP threads spin-wait; 2 workers × 2 threads on 2 busy cores
  // collapsed to a few requests per second. One thread per worker is how one would deploy it.
  return start(
    "gunicorn",
    "gunicorn",
    ["-w", "2", "--chdir", join(root, "bench", "baseline"), "flask_app:app", "-b"],
    {
      dir,
      probe: { path: "/health" },
      portArg: true,
      bindHost: "127.0.0.1",
      env: { MW_BASELINE_MODEL: pkl, OMP_NUM_THREADS: "1" },
    },
  );
}
