// The week's planned work against what became of it (the contract server's `week`: plan/week.ts).
// Trial 9: the page listed only the marked tasks, unmarked tasks whose shift had passed vanished, and
// the plan's own week rolls forward with each re-plan, so a manager could not see this week's score.
import { h, shopDay, table } from "../dom.js";

const WORDS = {
  done: "Done",
  skipped: "Skipped",
  not_marked: "Not marked (shift over)",
  in_progress: "In progress",
  to_come: "To come",
};

const day = (iso, clock) => shopDay(iso, clock, true);

const hours = (v) => `${Math.round(v * 10) / 10} h`;

/** The week's tallies, and its tasks whose shift has begun or that were marked (the rest are the plan's). */
export function weekSection(week, clock, moneyOf) {
  // The last shift of the week (Sunday night) ends on Monday morning: the last day is Sunday.
  const last = new Date(Date.parse(week.end) - 86_400_000).toISOString();
  const s = week.by_status;
  const tally = (k) =>
    h(
      "div",
      { "data-status": k },
      h("dt", {}, WORDS[k]),
      h(
        "dd",
        {},
        `${s[k].tasks} (${hours(s[k].hours)})${k === "done" ? `: ${moneyOf(s[k].avoided_cost)} of expected failure cost avoided` : ""}`,
      ),
    );
  // A job to come is the plan's; one booked before (skipped, or its shift passed unmarked) is the week's too.
  const shown = week.tasks.filter((t) => t.status !== "to_come" || (t.bookings ?? []).length > 1);
  /** A job booked in several shifts: each and what became of it ("Wed day skipped: no kit; Thu day not marked"). */
  const trail = (t) =>
    (t.bookings ?? []).length > 1
      ? t.bookings
          .map((b) => `${b.shift.label} ${WORDS[b.status].toLowerCase()}${b.reason ? `: ${b.reason}` : ""}`)
          .join("; ")
      : (t.reason ?? "");
  return h(
    "div",
    { id: "week" },
    h(
      "p",
      { class: "summary", id: "week-summary" },
      `${day(week.start, clock)} to ${day(last, clock)}: ${week.planned.tasks} jobs planned (${hours(week.planned.hours)}), ${s.done.tasks} done, ${s.skipped.tasks} skipped, ${s.not_marked.tasks} not marked.`,
    ),
    h("dl", { class: "facts" }, Object.keys(WORDS).map(tally)),
    shown.length
      ? table(
          "This week's jobs whose shift has begun, and those marked ahead (a job is one machine's task, however often it was booked)",
          [
            "Machine",
            "Task",
            "Shift",
            "Technician",
            "Hours",
            "Status",
            "Marked",
            "Reason, or the shifts it was booked in",
          ],
          shown.map((t) => ({
            attrs: { "data-status": t.status, "data-task": t.id },
            cells: [
              t.machine_id,
              t.task_words,
              `${t.shift.label}, ${day(t.shift.start, clock)}`,
              t.technician,
              hours(t.hours),
              WORDS[t.status],
              t.at ?? "",
              trail(t),
            ],
          })),
          { rowHeaders: true, class: "week-tasks" },
        )
      : h("p", { class: "hint" }, "No shift of this week has begun under a plan yet."),
  );
}
