// One source address: every event that names it (scans, attacks, honeypot sessions and logins) and
// its infected-host record when it has one. Reached from the map, tables and charts.

import { api } from "../api";
import { el, replace, table } from "../dom";
import { formatNumber, formatTime, t } from "../i18n";
import type { View } from "../view";
import { heading, link, panel, text } from "../view";

/** A one-line summary of an event for the source's timeline (all text). */
export function eventSummary(e: Record<string, unknown>): string {
    switch (e.type) {
        case "darknet.scan": {
            const ports = ((e.dst_ports as { port: number }[] | undefined) ?? []).map((p) => p.port).join(",");
            return `${text(e.tool)} ${text(e.scan_kind)} ${text(e.proto)}/${ports} → ${formatNumber(Number(e.dst_count ?? 0))}`;
        }
        case "ddos.attack":
            return `${text(e.vector)} (${text(e.evidence)}) ${formatNumber(Number(e.packets ?? 0))} pkts`;
        case "honeypot.login":
            return `${text(e.username)} / ${text(e.password)} ${e.success ? "✓" : "✗"}`;
        case "honeypot.command":
            return text(e.input);
        case "honeypot.download":
            return text(e.url);
        default:
            return text(e.protocol ?? e.kind ?? "");
    }
}

export const sourceView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const ip = route.id ?? "";
    // The infected-host record as its latest event (a search answers 200 with none, where /hosts/{ip}
    // would be a 404 the browser logs as an error for every source that is no infected host).
    const [page, hosts] = await Promise.all([
        api.events({ ip, limit: 200 }, route.filters, signal),
        api.events({ ip, type: "intel.infected_host", limit: 1 }, { range: "30d" }, signal),
    ]);
    const host = hosts.events[0] ?? null;
    replace(
        root,
        heading("source", " ", el("code", { "data-testid": "source-ip" }, ip)),
        host
            ? panel(
                  t("hosts"),
                  el(
                      "dl",
                      { class: "facts" },
                      el("dt", {}, t("family")),
                      el("dd", {}, text(host.family)),
                      el("dt", {}, t("asn")),
                      el("dd", {}, host.asn ? `AS${text(host.asn)} ${text(host.as_name)}` : "—"),
                      el("dt", {}, t("country")),
                      el("dd", {}, text(host.country) || "—"),
                      el("dt", {}, t("state")),
                      el("dd", {}, text(host.state)),
                  ),
              )
            : null,
        panel(
            t("events"),
            table(
                t("events"),
                [t("time"), t("kind"), t("details")],
                page.events.map((e) => [
                    formatTime(e.ts),
                    e.session ? link(route, "session", text(e.session), e.type) : e.type,
                    el("code", {}, eventSummary(e)),
                ]),
                t("empty"),
            ),
            true,
        ),
    );
};
