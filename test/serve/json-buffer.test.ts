// predictionsOf (json-buffer.ts): answers written straight into one Buffer are the bytes of
// `{"predictions":[` + the answers joined by commas + `]}`, as UTF-8, whatever their lengths (the
// Buffer sized from the first answer and grown) and whether they are ASCII or not.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ASCII, predictionsOf } from "../../src/serve/json-buffer.js";

const expected = (answers: string[]) => Buffer.from(`{"predictions":[${answers.join(",")}]}`, "utf8");

test("answers of any length, ASCII or not, in one Buffer: the bytes of their JSON array", () => {
  const cases: string[][] = [
    [],
    ['{"a":1}'],
    // A short first answer, then ones many times longer: the Buffer grows, more than once.
    ['{"a":1}', ...Array.from({ length: 40 }, (_, i) => `{"b":"${"x".repeat(50 * i)}"}`)],
    // ASCII first, then not (written as UTF-8 from there on), then ASCII again.
    ['{"m":"M1"}', '{"m":"Drehbank-Ä-機械-🛠"}', ...Array.from({ length: 30 }, (_, i) => `{"m":"M${i}"}`)],
  ];
  for (const answers of cases) {
    let ascii = true;
    const got = predictionsOf(
      answers.length,
      (i) => {
        ascii &&= ASCII.test(answers[i]);
        return answers[i];
      },
      () => ascii,
    );
    assert.deepEqual(got, expected(answers), `${answers.length} answers`);
  }
});
