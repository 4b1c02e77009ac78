// Syntax of RocketMQ settings: `config.namesrv|broker|client`, and the per-group
// `config:` of broker, producer and consumer groups, which take the same keys as
// the matching section. Generated from SETTINGS (defaults.ts), so a setting the
// model honours is accepted, documented and completed by editors in one place.

import { z } from "zod";
import { SETTINGS, type Section, type SettingKind } from "./defaults.js";
import { describeValue } from "./errors.js";
import { choice, durationText, int, nonEmpty, strict } from "./schema-base.js";

interface Def {
  kind: SettingKind;
  values?: readonly string[];
  v49: unknown;
  v53: unknown;
  cite: string;
}

function settingSchema(key: string, def: Def) {
  // Negative times are refused here; which keys may be 0 is decided in resolve-values.ts.
  const time = (unit: string) =>
    z.union([durationText, z.number().nonnegative()], {
      error: (iss) => (iss.input === undefined ? undefined : `expected a duration such as "10s" or a bare number of ${unit}, got ${describeValue(iss.input)}`),
    });
  switch (def.kind) {
    case "ms": return time("milliseconds");
    case "sec": return time("seconds");
    case "bool": return z.boolean();
    case "int": return int();
    case "string": return def.values ? choice(def.values as [string, ...string[]], key) : nonEmpty();
  }
}

export function sectionSchema(section: Section, where: string) {
  const shape: Record<string, z.ZodOptional<ReturnType<typeof settingSchema>>> = {};
  for (const [key, def] of Object.entries(SETTINGS[section]) as [string, Def][]) {
    const unit = def.kind === "ms" ? " ms" : def.kind === "sec" ? " s" : "";
    const values = def.values ? ` One of ${def.values.join(", ")}.` : "";
    shape[key] = settingSchema(key, def).optional()
      .describe(`${def.cite}.${values} Default ${String(def.v49)}${unit} (4.9), ${String(def.v53)}${unit} (5.3).`);
  }
  return strict(shape, where);
}

export const config = strict({
  namesrv: sectionSchema("namesrv", "in config.namesrv").optional(),
  broker: sectionSchema("broker", "in config.broker").optional(),
  client: sectionSchema("client", "in config.client").optional(),
  controller: sectionSchema("controller", "in config.controller").optional(),
});

// One schema per group kind, reused by every group, so the JSON Schema defines it once.
export const brokerGroupConfig = sectionSchema("broker", "among broker settings")
  .meta({ id: "brokerGroupConfig", description: "Broker settings for this group only; same keys and units as config.broker, and they win over it." });
export const clientGroupConfig = sectionSchema("client", "among client settings")
  .meta({ id: "clientGroupConfig", description: "Client settings for this group only; same keys and units as config.client, and they win over it." });

export type SettingsInput = Record<string, string | number | boolean | undefined>;
