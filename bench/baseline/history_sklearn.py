"""The history-quality benchmark's baseline (bench/history-quality.ts): scikit-learn's
HistGradientBoostingClassifier on exactly Millwright's feature matrix and its fit / validation /
test rows (the project's own time split), machine_failure head. NaN is native in HGB.

Two variants, both with Millwright's tree settings (100 rounds at most, learning rate 0.1, 31 leaves,
depth 6, 20 samples a leaf, L2 1, 255 bins):
- "ours-val": early stopping on Millwright's validation rows. scikit-learn 1.2 takes no validation
  set, so the model is fitted for all 100 rounds without early stopping and sklearn's own stopping
  rule (scoring "loss", n_iter_no_change 20, tol 1e-7, all rounds up to the stop kept) is replayed
  on the validation rows with staged_predict_proba. Without subsampling HGB's fit is deterministic,
  so the first k rounds of that fit are the model a k-round fit would give.
- "defaults": early_stopping="auto" (on above 10,000 rows) with sklearn's own random 10 % of the fit
  rows for validation, as a user calling it with defaults would get.

- "at-our-rounds" (diagnostic): the "ours-val" fit cut at Millwright's round count (OUR_ROUNDS), which
  separates the stopping rule (sklearn keeps the 20 rounds after the best; Millwright rolls back to
  the best) from the trees themselves.

Run: python3 history_sklearn.py DIR N_FIT N_VAL N_TEST N_COLS OUR_ROUNDS
DIR holds fit.f64 / val.f64 / test.f64 (row-major float64) and fit.u8 / val.u8 / test.u8 labels.
Prints one JSON line.
"""

import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score

PARAMS = dict(learning_rate=0.1, max_leaf_nodes=31, max_depth=6, min_samples_leaf=20, l2_regularization=1.0, max_bins=255)
N_ITER_NO_CHANGE, TOL = 20, 1e-7


def part(d, name, n, nc):
    return np.fromfile(f"{d}/{name}.f64").reshape(n, nc), np.fromfile(f"{d}/{name}.u8", dtype=np.uint8)


def log_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def stop_round(model, Xv, yv):
    """Rounds sklearn's rule keeps, replayed on (Xv, yv): scores are negative losses, the first before any tree."""
    # The score before the first tree, from the baseline (the fit rows' prior log-odds), as sklearn records it.
    raw0 = model._baseline_prediction.ravel()[0]
    scores = [-log_loss(yv, np.full(len(yv), 1 / (1 + np.exp(-raw0))))]
    for k, p in enumerate(model.staged_predict_proba(Xv), start=1):
        scores.append(-log_loss(yv, p[:, 1]))
        if len(scores) > N_ITER_NO_CHANGE:
            reference = scores[-N_ITER_NO_CHANGE - 1] + TOL
            if not any(s > reference for s in scores[-N_ITER_NO_CHANGE:]):
                return k
    return len(scores) - 1


def staged_at(model, X, k):
    for i, p in enumerate(model.staged_predict_proba(X), start=1):
        if i == k:
            return p[:, 1]
    raise ValueError(k)


def main():
    d, nf, nv, nt, nc, ours = sys.argv[1], *map(int, sys.argv[2:7])
    X, y = part(d, "fit", nf, nc)
    Xv, yv = part(d, "val", nv, nc)
    Xt, yt = part(d, "test", nt, nc)
    out = {}
    t0 = time.perf_counter()
    m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0, **PARAMS).fit(X, y)
    k = stop_round(m, Xv, yv)
    p = staged_at(m, Xt, k)
    out["ours-val"] = dict(seconds=time.perf_counter() - t0, rounds=k, pr_auc=average_precision_score(yt, p), roc_auc=roc_auc_score(yt, p))
    p = staged_at(m, Xt, max(1, min(ours, m.n_iter_)))
    out["at-our-rounds"] = dict(rounds=ours, pr_auc=average_precision_score(yt, p), roc_auc=roc_auc_score(yt, p))
    t0 = time.perf_counter()
    m = HistGradientBoostingClassifier(max_iter=100, early_stopping="auto", n_iter_no_change=N_ITER_NO_CHANGE, random_state=0, **PARAMS).fit(X, y)
    p = m.predict_proba(Xt)[:, 1]
    out["defaults"] = dict(seconds=time.perf_counter() - t0, rounds=int(m.n_iter_), pr_auc=average_precision_score(yt, p), roc_auc=roc_auc_score(yt, p))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
