// Infected hosts per ISP (by AS when the host carries no ISP name), with their remediation state.

import { api } from "../api";
import { axisTooltip, draw, PALETTE, TEXT } from "../charts";
import { el, replace, table } from "../dom";
import { formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading, link, panel, text } from "../view";

export const STATES = ["new", "notified", "remediated", "reinfected", "disputed", "false_positive"] as const;

/** Hosts counted per group (ISP, else AS) and state: groups ordered by total, largest first. */
export function hostsByGroup(hosts: Record<string, unknown>[]): { groups: string[]; counts: Map<string, number[]> } {
    const totals = new Map<string, number>();
    const counts = new Map<string, number[]>();
    for (const h of hosts) {
        const group = h.isp ? text(h.isp) : h.as_name ? `AS${text(h.asn)} ${text(h.as_name)}` : h.asn ? `AS${text(h.asn)}` : "—";
        const state = STATES.indexOf(text(h.state) as (typeof STATES)[number]);
        const row = counts.get(group) ?? STATES.map(() => 0);
        row[state < 0 ? 0 : state]! += 1;
        counts.set(group, row);
        totals.set(group, (totals.get(group) ?? 0) + 1);
    }
    const groups = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b));
    return { groups, counts };
}

export const hostsView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const chart = chartPanel(t("hosts"), "hosts-by-isp", true);
    const list = el("div", {}, t("loading"));
    replace(root, heading("hosts"), chart.panel, panel(t("hosts"), list, true));

    const load = async () => {
        const page = await api.hosts(route.filters, signal);
        const { groups, counts } = hostsByGroup(page.hosts);
        const shown = groups.slice(0, 15);
        draw(
            chart.chart,
            {
                tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
                legend: { top: 0, textStyle: { color: TEXT } },
                grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
                xAxis: { type: "value", minInterval: 1 },
                yAxis: { type: "category", inverse: true, data: shown, axisLabel: { width: 180, overflow: "truncate" } },
                series: STATES.map((state, i) => ({
                    type: "bar",
                    stack: "state",
                    name: state,
                    itemStyle: { color: PALETTE[i] },
                    data: shown.map((g) => counts.get(g)?.[i] ?? 0),
                })),
            },
            page.hosts.length > 0,
            true,
        );
        replace(
            list,
            table(
                t("hosts"),
                [t("address"), t("isp"), t("asn"), t("country"), t("family"), t("state"), t("lastSeen")],
                page.hosts.map((h) => [
                    link(route, "source", text(h.ip), text(h.ip)),
                    text(h.isp) || "—",
                    h.asn ? `AS${text(h.asn)} ${text(h.as_name)}` : "—",
                    text(h.country) || "—",
                    text(h.family),
                    text(h.state),
                    formatTime(text(h.last_seen)),
                ]),
                t("empty"),
            ),
        );
    };
    await load();
    ctx.onLive(["intel.*"], load);
};
