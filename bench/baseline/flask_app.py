"""The original design's serving, as the baseline of bench/serve.ts (issue 3, "Targets").

A Flask app run by gunicorn (2 sync workers) serving the HistGradientBoostingClassifier pickled by
train_sklearn.py (path in MW_BASELINE_MODEL). POST /v1/predict takes one reading (object) or many
(array), validates the six fields by hand, and answers a prediction id, the failure probability and
the decision at the pickled threshold. No prediction log: the original design had none.

  MW_BASELINE_MODEL=model.pkl gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/baseline flask_app:app
"""

import math
import os
import pickle
import uuid

from flask import Flask, jsonify, request

from train_sklearn import RAW, TYPES, features

LIMITS = {
    "air_temperature": (0, 1000),
    "process_temperature": (0, 1000),
    "rotational_speed": (0, 100_000),
    "torque": (0, 10_000),
    "tool_wear": (0, 100_000),
}
ALLOWED = {"type", *RAW, "machine_id", "machine_model", "timestamp"}

with open(os.environ.get("MW_BASELINE_MODEL", "model.pkl"), "rb") as f:
    BUNDLE = pickle.load(f)
MODEL = BUNDLE["model"]
THRESHOLD = BUNDLE["threshold"]
VERSION = BUNDLE["version"]

app = Flask(__name__)


class BadReading(Exception):
    pass


def check(r, path):
    if not isinstance(r, dict):
        raise BadReading(f"{path}: must be an object")
    for k in r:
        if k not in ALLOWED:
            raise BadReading(f"{path}.{k}: unknown field")
    if r.get("type") not in TYPES:
        raise BadReading(f"{path}.type: must be L, M or H")
    for k, (lo, hi) in LIMITS.items():
        x = r.get(k)
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or not lo <= x <= hi:
            raise BadReading(f"{path}.{k}: must be a finite number in {lo}..{hi}")


@app.post("/v1/predict")
def predict():
    body = request.get_json(silent=True)
    batch = isinstance(body, list)
    readings = body if batch else [body]
    try:
        if batch and not readings:
            raise BadReading("body: empty array")
        for i, r in enumerate(readings):
            check(r, f"body[{i}]" if batch else "body")
    except BadReading as e:
        return jsonify({"error": str(e)}), 400
    proba = MODEL.predict_proba(features(readings))[:, 1]
    answers = [
        {
            "id": str(uuid.uuid4()),
            "failure_probability": float(p),
            "failure_predicted": bool(p >= THRESHOLD),
            "model": {"name": "sklearn-hgb", "version": VERSION},
        }
        for p in proba
    ]
    return jsonify({"predictions": answers} if batch else answers[0])


@app.get("/health")
def health():
    return "ok"
