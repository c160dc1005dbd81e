// Every error Millwright raises on purpose has a stable code, an HTTP status and a CLI exit code,
// in this one table. The API answers application/problem+json with `code`; the CLI exits with
// `exit`. A test keeps this table and the README's error table in agreement.

interface ErrorRow {
  status: number;
  exit: number;
  title: string;
}
const row = (status: number, exit: number, title: string): ErrorRow => ({ status, exit, title });

export const ERROR_TABLE = {
  MW_BAD_INPUT: row(400, 2, "Bad input"),
  MW_INVALID_JSON: row(400, 2, "Request body is not valid JSON"),
  MW_VALIDATION: row(400, 2, "A field is missing, unknown or out of range"),
  MW_EMPTY_BATCH: row(400, 2, "Empty batch"),
  MW_BATCH_TOO_LARGE: row(413, 2, "Batch or body over the limit"),
  MW_UNSUPPORTED_MEDIA: row(415, 2, "Unsupported content type"),
  MW_REQUEST_TIMEOUT: row(408, 1, "Request not received in time"),
  MW_UNAUTHORIZED: row(401, 2, "Missing or wrong bearer token"),
  MW_FORBIDDEN: row(403, 2, "Not allowed"),
  MW_NOT_FOUND: row(404, 2, "Not found"),
  MW_MODEL_NOT_FOUND: row(404, 2, "Unknown model or version"),
  MW_PREDICTION_NOT_FOUND: row(404, 2, "Unknown prediction id"),
  MW_CSV: row(400, 2, "CSV file rejected"),
  MW_TRAINING_DATA: row(400, 2, "Data cannot train a model"),
  MW_MODEL_CORRUPT: row(500, 2, "Model file missing, corrupt or incompatible"),
  MW_REGISTRY: row(500, 2, "Registry error"),
  MW_CONFIG: row(400, 2, "Bad configuration"),
  MW_RATE_LIMITED: row(429, 1, "Too many requests"),
  MW_NOT_READY: row(503, 1, "Not ready"),
  MW_STORE_UNAVAILABLE: row(503, 1, "History log unavailable"),
  MW_DISK_FULL: row(503, 1, "The prediction log's disk is full"),
  MW_DATA_DIR_GONE: row(503, 1, "The data directory was removed while serving"),
  MW_STORE_FORMAT: row(500, 1, "Prediction log written in a format this version cannot read"),
  MW_GATE_FAILED: row(409, 1, "Challenger did not pass the gate"),
  MW_INFEASIBLE: row(422, 1, "Plan is infeasible"),
  MW_CONFLICT: row(409, 2, "Conflict"),
  MW_EVENT_LABELLED: row(409, 2, "The contract's ground truth comes from failure events, not feedback"),
  MW_INTERNAL: row(500, 1, "Internal error"),
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
