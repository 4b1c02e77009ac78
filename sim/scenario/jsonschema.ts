// JSON Schema for scenario files, generated from the same zod schema the loader
// validates with, so editors and the loader agree. scenarios/schema.json is this
// output; a test fails when it is stale. Scenario files opt in with the comment
//   # yaml-language-server: $schema=./schema.json
// (the YAML language server then completes keys and flags typos while editing).
// The schema cannot express cross-field rules (e.g. that a fault's node exists);
// those are only checked by the loader.

import { writeFileSync } from "node:fs";
import { z } from "zod";
import { ScenarioInput } from "./schema.js";

export function scenarioJsonSchema(): object {
  const generated = z.toJSONSchema(ScenarioInput, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "rocketsim scenario",
    description: "A rocketsim scenario: a RocketMQ cluster, faults to inject, and expectations to check. Regenerate with `npx rocketsim schema > scenarios/schema.json`.",
    ...rest,
  };
}

/** The schema as written to scenarios/schema.json: 2-space JSON with a trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(path: string): void {
  writeFileSync(path, scenarioJsonSchemaText());
}
