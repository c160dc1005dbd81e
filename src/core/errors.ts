// Every error Millwright raises on purpose has a stable code, an HTTP status and a CLI exit code,
// in this one table. The API answers application/problem+json with `code`; the CLI exits with
// `exit`. A test keeps this table and the README's error table in agreement.

export const ERROR_TABLE = {
  MW_BAD_INPUT: { status: 400, exit: 2, title: "Bad input" },
  MW_INVALID_JSON: { status: 400, exit: 2, title: "Request body is not valid JSON" },
  MW_VALIDATION: { status: 400, exit: 2, title: "A field is missing, unknown or out of range" },
  MW_EMPTY_BATCH: { status: 400, exit: 2, title: "Empty batch" },
  MW_BATCH_TOO_LARGE: { status: 413, exit: 2, title: "Batch or body over the limit" },
  MW_UNSUPPORTED_MEDIA: { status: 415, exit: 2, title: "Unsupported content type" },
  MW_UNAUTHORIZED: { status: 401, exit: 2, title: "Missing or wrong bearer token" },
  MW_FORBIDDEN: { status: 403, exit: 2, title: "Not allowed" },
  MW_NOT_FOUND: { status: 404, exit: 2, title: "Not found" },
  MW_MODEL_NOT_FOUND: { status: 404, exit: 2, title: "Unknown model or version" },
  MW_PREDICTION_NOT_FOUND: { status: 404, exit: 2, title: "Unknown prediction id" },
  MW_CSV: { status: 400, exit: 2, title: "CSV file rejected" },
  MW_TRAINING_DATA: { status: 400, exit: 2, title: "Data cannot train a model" },
  MW_MODEL_CORRUPT: { status: 500, exit: 2, title: "Model file missing, corrupt or incompatible" },
  MW_REGISTRY: { status: 500, exit: 2, title: "Registry error" },
  MW_CONFIG: { status: 400, exit: 2, title: "Bad configuration" },
  MW_RATE_LIMITED: { status: 429, exit: 1, title: "Too many requests" },
  MW_NOT_READY: { status: 503, exit: 1, title: "Not ready" },
  MW_STORE_UNAVAILABLE: { status: 503, exit: 1, title: "Prediction log unavailable and spool full" },
  MW_DISK_FULL: { status: 503, exit: 1, title: "The prediction log's disk is full" },
  MW_DATA_DIR_GONE: { status: 503, exit: 1, title: "The data directory was removed while serving" },
  MW_STORE_FORMAT: {
    status: 500,
    exit: 1,
    title: "Prediction log written in a format this version cannot read",
  },
  MW_GATE_FAILED: { status: 409, exit: 1, title: "Challenger did not pass the gate" },
  MW_INFEASIBLE: { status: 422, exit: 1, title: "Plan is infeasible" },
  MW_CONFLICT: { status: 409, exit: 2, title: "Conflict" },
  MW_EVENT_LABELLED: {
    status: 409,
    exit: 2,
    title: "The contract's ground truth comes from failure events, not feedback",
  },
  MW_INTERNAL: { status: 500, exit: 1, title: "Internal error" },
} as const;

export type ErrorCode = keyof typeof ERROR_TABLE;

export class MillwrightError extends Error {
  readonly code: ErrorCode;
  /** Structured detail: the field, row, file… that was wrong. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "MillwrightError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_TABLE[this.code].status;
  }

  get exitCode(): number {
    return ERROR_TABLE[this.code].exit;
  }
}

export function isMillwrightError(e: unknown): e is MillwrightError {
  return e instanceof MillwrightError;
}
