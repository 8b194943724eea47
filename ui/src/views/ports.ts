// Ports: a heat map of sources per port over time (the busiest ports of the range), and the probes of
// each port as a series with the outbreak alerts marked on the time axis.

import type { EventRecord, Series } from "../api";
import { HeatmapChart } from "echarts/charts";
import { VisualMapComponent } from "echarts/components";
import { api } from "../api";
import { axisTooltip, draw, echarts, timeSeriesOption, tooltipNode } from "../charts";
import { formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading } from "../view";

const HEAT_PORTS = 12;

/** Heat-map cells [time index, port index, value] from one series per port (all of the same buckets). */
export function heatCells(series: Series[]): [number, number, number][] {
    const cells: [number, number, number][] = [];
    series.forEach((s, y) => s.points.forEach((p, x) => cells.push([x, y, p.value])));
    return cells;
}

/** The alert events that concern `port` (or all of them when no port is given), as time marks. */
export function alertMarks(alerts: EventRecord[], port?: number): { xAxis: string; name: string }[] {
    return alerts
        .filter((a) => {
            if (port === undefined) return true;
            const details = (a.details ?? {}) as Record<string, unknown>;
            return details.port === port || String(a.subject ?? "").endsWith(`/${port}`);
        })
        .map((a) => ({ xAxis: a.ts, name: String(a.kind ?? "alert") }));
}

/** A bucket's start as the viewer's local time (hours and minutes, the day when it is not today). */
export function shortTime(iso: string): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    return d.toDateString() === new Date().toDateString() ? hm : `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}

echarts.use([HeatmapChart, VisualMapComponent]);

export const portsView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const heat = chartPanel(t("heatmap"), "ports-heatmap", true, true);
    const lines = chartPanel(t("series"), "ports-series", true);
    root.replaceChildren(heading("ports"), heat.panel, lines.panel);

    const load = async () => {
        const [top, alerts] = await Promise.all([
            api.top("ports", route.filters, HEAT_PORTS, signal),
            api.events({ type: "alert", limit: 200 }, route.filters, signal),
        ]);
        const ports = top.items.filter((i) => i.port !== undefined);
        if (route.filters.port !== undefined && !ports.some((p) => p.port === route.filters.port)) {
            ports.unshift({ key: `tcp/${route.filters.port}`, count: 0, port: route.filters.port, proto: "tcp" });
        }
        const [sources, probes] = await Promise.all([
            Promise.all(ports.map((p) => api.series("sources", route.filters, { port: p.port, proto: p.proto }, signal))),
            Promise.all(
                ports
                    .filter((p) => route.filters.port === undefined || p.port === route.filters.port)
                    .slice(0, 6)
                    .map(async (p) => ({ key: p.key, port: p.port, series: await api.series("probes", route.filters, { port: p.port, proto: p.proto }, signal) })),
            ),
        ]);
        const times = sources[0]?.points.map((p) => p.ts) ?? [];
        const cells = heatCells(sources);
        const max = Math.max(1, ...cells.map((c) => c[2]));
        draw(
            heat.chart,
            {
                tooltip: {
                    trigger: "item",
                    formatter: (p: unknown) => {
                        const v = (p as { value: [number, number, number] }).value;
                        return tooltipNode(ports[v[1]]?.key ?? "", [
                            [t("time"), formatTime(times[v[0]] ?? "")],
                            [t("sources"), v[2]],
                        ]);
                    },
                },
                grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
                xAxis: { type: "category", data: times.map(shortTime), splitArea: { show: true } },
                yAxis: { type: "category", data: ports.map((p) => p.key), splitArea: { show: true } },
                visualMap: {
                    min: 0,
                    max,
                    calculable: true,
                    orient: "horizontal",
                    left: "center",
                    bottom: 0,
                    inRange: { color: ["#0f2533", "#2bb3c0", "#f2b134", "#ff5a36"] },
                },
                series: [{ type: "heatmap", name: t("sources"), data: cells, progressive: 2000 }],
            },
            cells.some((c) => c[2] > 0),
            true,
        );
        const marks = alertMarks(alerts.events, route.filters.port);
        const option = timeSeriesOption(probes.map((p) => ({ name: p.key, points: p.series.points })));
        const series = (option.series as Record<string, unknown>[]) ?? [];
        if (series[0]) {
            series[0].markLine = {
                symbol: "none",
                label: { formatter: t("alertMarks"), color: "#ff5a36" },
                lineStyle: { color: "#ff5a36", type: "dashed" },
                tooltip: { formatter: (p: unknown) => tooltipNode(String((p as { name?: string }).name ?? ""), []) },
                data: marks,
            };
        }
        draw(
            lines.chart,
            { ...option, tooltip: { trigger: "axis", formatter: axisTooltip }, dataZoom: [{ type: "inside" }] },
            probes.some((p) => p.series.points.some((x) => x.value > 0)),
            true,
        );
    };
    await load();
    ctx.onLive(["darknet.port_stats", "alert"], load);
};
