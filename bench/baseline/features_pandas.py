"""The feature benchmark's baseline (bench/features.ts): the same history features with pandas,
written the usual pandas way, one thread, on the raw columns bench/features.ts wrote.

Per machine (groupby), time-based rolling windows '6h' and '24h' (the window is (t - w, t], as
Millwright's) over the 6 readings: mean, std (ddof 1), min, max, and the least-squares slope per
hour as rolling cov(t, x) / rolling var(t), with t masked where x is missing (pandas pairs the two
series' missing values in cov; var must see the same rows). Alarm counts in the last 24 h by a
rolling sum over alarms and readings merged in time (alarms first at equal times: an event at t
counts for the reading at t). Hours since the last maintenance per component by merge_asof
(backward, exact matches allowed), failures counting as maintenance (the part is replaced).

Run: python3 features_pandas.py DIR MACHINES OUT.f64 FIRST_MACHINES
Prints one JSON line: seconds (wall) and cpu (process time) of the feature work, peak RSS (MiB).
Writes the feature rows of the first FIRST_MACHINES machines (file order, Millwright's column order)
to OUT.f64 for the comparison. Reading the files is not timed.
"""

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

WINDOWS = ["6h", "24h"]
HOUR_MS = 3_600_000.0


def load(d, keep):
    meta = json.load(open(f"{d}/meta.json"))
    n, readings = meta["n"], meta["readings"]
    machine = np.fromfile(f"{d}/machine.i32", dtype=np.int32)
    t = np.fromfile(f"{d}/time.f64")
    values = np.fromfile(f"{d}/values.f64").reshape(len(readings), n)
    rows = machine < keep
    tables = {}
    for name in ("alarms", "maintenance", "failures"):
        m = np.fromfile(f"{d}/{name}.machine.i32", dtype=np.int32)
        et = np.fromfile(f"{d}/{name}.time.f64")
        k = np.fromfile(f"{d}/{name}.kind.i32", dtype=np.int32)
        sel = m < keep
        tables[name] = (m[sel], et[sel], k[sel])
    return meta, machine[rows], t[rows], values[:, rows], tables


def features(meta, machine, t_ms, values, tables):
    readings, kinds = meta["readings"], meta["kinds"]
    n = len(machine)
    df = pd.DataFrame({"machine": machine, "time": pd.to_datetime(t_ms, unit="ms"), "row": np.arange(n)})
    for r, name in enumerate(readings):
        df[name] = values[r]
    # Hours from the first row: small numbers, so rolling cov's mean(xy) - mean(x)mean(y) keeps its digits.
    df["t"] = (t_ms - t_ms.min()) / HOUR_MS
    ncols = len(readings) * (1 + len(WINDOWS) * 5) + 1 + len(kinds)
    out = np.empty((n, ncols))
    out[:, : len(readings)] = values.T
    a_m, a_t, _ = tables["alarms"]
    for m, g in df.groupby("machine", sort=True):
        g = g.set_index("time")
        rows = g["row"].to_numpy()
        col = len(readings)
        for name in readings:
            x = g[name]
            tm = g["t"].where(x.notna())
            for w in WINDOWS:
                roll = x.rolling(w)
                slope = x.rolling(w).cov(tm) / tm.rolling(w).var()
                block = np.column_stack([roll.mean(), roll.std(), roll.min(), roll.max(), slope])
                out[rows, col : col + 5] = block
                col += 5
        # Alarm counts in (t - 24h, t]: alarms and readings in one time-sorted series, alarms first.
        at = pd.to_datetime(a_t[a_m == m], unit="ms")
        both = pd.concat([pd.Series(1.0, index=at), pd.Series(0.0, index=g.index)])
        flag = pd.Series(np.r_[np.zeros(len(at)), np.ones(len(g))], index=both.index)
        order = np.lexsort((flag.to_numpy(), both.index.asi8))
        both, flag = both.iloc[order], flag.iloc[order]
        counts = both.rolling("24h").sum()
        out[rows, col] = counts[flag.to_numpy() == 1].to_numpy()
    col = len(readings) * (1 + len(WINDOWS) * 5) + 1
    # Hours since the last maintenance (or failure) of each component, all machines at once.
    m_m, m_t, m_k = (np.r_[a, b] for a, b in zip(tables["maintenance"], tables["failures"]))
    left = df[["time", "machine", "row"]]
    for k in range(len(kinds)):
        sel = m_k == k
        ev = pd.DataFrame({"time": pd.to_datetime(m_t[sel], unit="ms"), "machine": m_m[sel], "etime": m_t[sel]})
        ev = ev.sort_values("time", kind="stable")
        j = pd.merge_asof(left, ev, on="time", by="machine", direction="backward", allow_exact_matches=True)
        out[j["row"].to_numpy(), col + k] = (t_ms[j["row"].to_numpy()] - j["etime"].to_numpy()) / HOUR_MS
    return out


def main():
    d, keep, out_file, first = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    meta, machine, t_ms, values, tables = load(d, keep)
    t0, c0 = time.perf_counter(), time.process_time()
    X = features(meta, machine, t_ms, values, tables)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    X[machine < first].tofile(out_file)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss_mib": peak, "rows": int(len(machine)), "cols": X.shape[1]}))


if __name__ == "__main__":
    main()
