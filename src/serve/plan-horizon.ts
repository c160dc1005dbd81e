// How far ahead a re-plan looks (POST /v1/plan on both servers): in days, or in 8-hour shifts
// (three a day), up to two weeks either way.
export const HORIZON_PROPERTIES = {
  horizon_days: { type: "number", minimum: 1, maximum: 14 },
  horizon_shifts: { type: "integer", minimum: 1, maximum: 42 },
} as const;
