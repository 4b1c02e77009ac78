// NameServer route tables: for each NameServer, the brokers it holds, each with
// its age since the last registration and a countdown to its expiry; then the
// brokers it removed (and why) while they stay absent.

import * as d3 from "d3";
import type { Commands, Frame, View } from "../app/frame.js";
import { nameServers, nsGone, nsRows, type NsGone, type NsRow } from "../derive/ns-table.js";
import { duration } from "../format/time.js";
import type { TraceModel } from "../model/trace-model.js";
import { own } from "../state/record.js";
import type { VizState } from "../state/types.js";
import { STATUS_TEXT } from "./topology.js";

export function createNsTables(root: HTMLElement, cmd: Commands, model: TraceModel): View {
  const cfg = model.config;
  const list = nameServers(model.cp.final);
  const cards = d3.select(root).selectAll<HTMLDivElement, string>("div.ns-card").data(list).join("div")
    .attr("class", "ns-card").attr("data-ns", (d) => d);
  const head = cards.append("h3");
  head.append("span").attr("class", "ns-name").text((d) => d)
    .on("click", (ev: MouseEvent, d) => { ev.stopPropagation(); cmd.select(d); });
  head.append("span").attr("class", "ns-status");
  const table = cards.append("table").attr("class", "ns-table");
  const hr = table.append("thead").append("tr");
  for (const h of ["broker", "node", "last registered", "expiry"]) hr.append("th").text(h);
  table.append("tbody");
  cards.append("ul").attr("class", "gone");
  d3.select(root).append("p").attr("class", "note")
    .text(`Entries expire ${duration(cfg.brokerChannelExpiredTime)} after the last registration (scan every ${duration(cfg.scanNotActiveBrokerInterval)}; idle channels close after ${duration(cfg.serverChannelMaxIdleTime)}).`);

  let lastT = -1;
  return {
    update(f: Frame) {
      if (f.t === lastT && !f.uiChanged) return;
      lastT = f.t;
      const s = f.state;
      cards.each(function (ns) {
        const card = d3.select(this);
        const st = own(s.nodes, ns)?.status ?? "new";
        card.classed("down", st !== "up" && st !== "paused");
        card.select(".ns-status").text(st === "up" ? "" : STATUS_TEXT[st] ?? st);
        const rows = card.select("tbody").selectAll<HTMLTableRowElement, NsRow>("tr").data(nsRows(s, ns, f.t, cfg), (r) => r.broker)
          .join((enter) => {
            const tr = enter.append("tr");
            tr.append("td").attr("class", "bn");
            tr.append("td").attr("class", "bnode");
            tr.append("td").attr("class", "age");
            const ex = tr.append("td").attr("class", "expiry");
            ex.append("div").attr("class", "bar").append("div").attr("class", "fill");
            ex.append("span").attr("class", "left");
            return tr;
          })
          .attr("data-broker", (r) => r.broker)
          .attr("class", (r) => rowClass(s, r, f.selection));
        rows.on("click", (_ev, r) => cmd.select(r.broker));
        rows.select(".bn").text((r) => `${r.brokerName} ${r.brokerId === 0 ? "master" : `slave ${r.brokerId}`}`);
        rows.select(".bnode").text((r) => r.broker);
        rows.select(".age").text((r) => `${duration(r.age)} ago`);
        rows.select(".fill").style("width", (r) => `${Math.min(100, r.fraction * 100).toFixed(1)}%`)
          .attr("class", (r) => `fill ${r.remaining <= 0 ? "over" : r.fraction > 0.75 ? "late" : "ok"}`);
        rows.select(".left").text((r) => r.remaining > 0 ? `expires in ${duration(r.remaining)}` : `expired ${duration(-r.remaining)} ago, awaiting scan`);
        card.select("ul.gone").selectAll<HTMLLIElement, NsGone>("li").data(nsGone(s, ns), (g) => g.broker).join("li")
          .attr("data-broker", (g) => g.broker)
          .text((g) => `${g.broker} (${g.brokerName} ${g.brokerId === 0 ? "master" : `slave ${g.brokerId}`}) removed ${duration(f.t - g.t)} ago: ${g.reason}`);
      });
    },
  };
}

function rowClass(s: VizState, r: NsRow, sel: string | null): string {
  const st = own(s.nodes, r.broker)?.status;
  const cls = [st === "up" || st === "paused" ? "live" : "stale"];
  if (r.remaining <= 0) cls.push("overdue");
  if (sel === r.broker) cls.push("selected");
  return cls.join(" ");
}
