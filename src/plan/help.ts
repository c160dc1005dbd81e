// Help text of `millwright plan`, kept beside the planner so the options and the code agree.
export const PLAN_HELP = `Usage: millwright plan --technicians FILE [options]

Plan maintenance for the fleet: forecast each machine's risk per failure mode over the horizon,
then choose tasks (tool change for tool-wear and overstrain risk, cooling-system check for heat
dissipation, load/power inspection for power) and assign them to technicians and shifts so that
the expected avoided failure cost, minus the cost of the planned work, is as large as possible.
Solved exactly as a mixed-integer program with HiGHS.

Options:
  --technicians FILE   YAML: technicians: [{name, skills: [models or "*"], hours_per_shift,
                       shifts: optional, e.g. [day, evening] or ["Mon night", weekdays day]}]
  --costs FILE         YAML: failure: {default|twf|hdf|pwf|osf: {downtime_hours, cost_per_hour,
                       repair_cost}}, planned: {cost_per_hour}, tasks: {tool_change|cooling_check|
                       load_inspection: {hours, parts_cost, effectiveness}}; defaults otherwise
  --horizon SPAN       how far ahead: 7d, 36h or 21 shifts (default 7d)
  --registry DIR       model registry to take the champion model from
  --json               print the plan as JSON (status, objective, gap, solve_ms, tasks, …)
  -h, --help           show this help

Shifts are 8 hours: day 06–14, evening 14–22, night 22–06. Exit 0 with a plan, 2 on a bad file or
option (the message names the file and key), 1 when no plan is possible (it says why).

Examples:
  millwright plan --technicians examples/technicians.yaml --costs examples/costs.yaml
  millwright plan --technicians techs.yaml --horizon 3d --json
`;
