// Help text of `millwright plan`, kept beside the planner so the options and the code agree.
import { DEFAULT_MIN_RETURN } from "./contract-options.js";

export const PLAN_HELP = `Usage: millwright plan --technicians FILE [options]
       millwright plan --url URL [--json]

Plan maintenance for the fleet with the champion model: forecast each machine's risk of each
failure kind over the horizon from its history, then choose the contract's tasks (its tasks: key
says, per failure kind, which task prevents it, its hours, parts, skills and minimum interval, and
what a failure costs) and assign them to technicians and shifts so that the expected avoided
failure cost, minus the cost of the work, is as large as possible. Solved exactly as a
mixed-integer program with HiGHS (--greedy: the greedy baseline).

Options:
  --technicians FILE   YAML: technicians: [{name, skills: [skills or "*"], hours_per_shift,
                       shifts: optional, e.g. [day, evening] or ["Mon night", weekdays day]}]
  --url URL            print the plan a running server holds (GET /v1/plan: its own history,
                       technicians and costs; its done and skipped tasks) instead of planning here
  --costs FILE         YAML: the contract's tasks: key in a file of its own (prices, hours, skills),
                       planned with in place of the model's contract's (as MILLWRIGHT_COSTS)
  --data FILE          telemetry CSV instead of the contract's (the plan starts at its newest reading)
  --events NAME=FILE   an event table's file instead of the contract's (repeatable)
  --horizon SPAN       how far ahead: 7d, 36h or 21 shifts (default 7d)
  --greedy             plan with the greedy baseline instead of the exact MIP
  --min-return R       plan a task only when it avoids at least (1 + R) × its cost (default ${DEFAULT_MIN_RETURN})
  --registry DIR       model registry to take the champion model from
  --json               print the plan as JSON (status, objective, gap, model, data_time, tasks, …)
  -h, --help           show this help

Shifts are 8 hours: day 06–14, evening 14–22, night 22–06, on the contract's clock (time.zone).
Exit 0 with a plan, 2 on a bad file or option (the message names the file and key), 1 when no
plan is possible (it says why).

Examples:
  millwright plan --technicians examples/contracts/historian-technicians.yaml
  millwright plan --technicians techs.yaml --horizon 3d --json
  millwright plan --url http://127.0.0.1:8080
`;
