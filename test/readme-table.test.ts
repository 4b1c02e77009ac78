// The README's failover table is generated; this keeps it from going stale.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { failoverTable } from "../sim/cli/report-failover.js";

it("README's failover table matches `rocketsim report failover`", () => {
  const readme = readFileSync("README.md", "utf8");
  const block = readme.split("<!-- failover-table:start -->")[1]?.split("<!-- failover-table:end -->")[0]?.trim();
  expect(block, "regenerate with: npx rocketsim report failover --write README.md").toBe(failoverTable("scenarios"));
});
