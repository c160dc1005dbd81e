"""Trains the original design's model for the serving baseline (bench/serve.ts, issue 3).

scikit-learn's HistGradientBoostingClassifier on the same CSV Millwright trained on, with the same
nine inputs (type code, five raw readings, and the three physics features of src/features/physics.ts),
pickled with its decision threshold (best F1 on a 20 % stratified hold-out).

Run with Debian's interpreter (python3-sklearn): /usr/bin/python3 train_sklearn.py DATA.csv OUT.pkl
Accepts the AI4I header or the canonical snake_case names.
"""

import csv
import math
import pickle
import re
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import train_test_split


def canonical(header):
    """AI4I header to canonical name by the header's own rule ("Air temperature [K]" -> "air_temperature");
    canonical names pass unchanged."""
    return re.sub(r"\s*\[[^\]]*\]$", "", header).lower().replace(" ", "_")


TYPES = {"L": 0.0, "M": 1.0, "H": 2.0}
RAW = ["air_temperature", "process_temperature", "rotational_speed", "torque", "tool_wear"]
RPM_TO_RAD_S = 2 * math.pi / 60


def features(rows):
    """Rows of dicts (canonical names) -> float64 matrix [n, 9], same order as physics.ts."""
    X = np.empty((len(rows), 9), dtype=np.float64)
    for i, r in enumerate(rows):
        a, p, s, t, w = (float(r[k]) for k in RAW)
        X[i] = (TYPES[r["type"]], a, p, s, t, w, p - a, t * s * RPM_TO_RAD_S, w * t)
    return X


def main(data_path, out_path):
    with open(data_path, newline="", encoding="utf-8-sig") as f:
        rows = [{canonical(k): v for k, v in r.items()} for r in csv.DictReader(f)]
    X = features(rows)
    y = np.array([int(r["machine_failure"]) for r in rows])
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=7)
    model = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        max_depth=6,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        l2_regularization=1.0,
        categorical_features=[0],
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        random_state=7,
    )
    model.fit(X_tr, y_tr)
    prec, rec, thr = precision_recall_curve(y_val, model.predict_proba(X_val)[:, 1])
    f1 = 2 * prec * rec / np.maximum(prec + rec, 1e-12)
    threshold = float(thr[int(np.argmax(f1[:-1]))])
    with open(out_path, "wb") as f:
        pickle.dump({"model": model, "threshold": threshold, "version": "sklearn-baseline"}, f)
    print(f"trained {model.n_iter_} rounds on {len(y_tr)} rows; threshold {threshold:.4f}; wrote {out_path}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: train_sklearn.py DATA.csv OUT.pkl")
    main(sys.argv[1], sys.argv[2])
