// The overview: counts for the range, probes and sources over time, the top ports and sources.

import { api } from "../api";
import { draw, timeSeriesOption, topBarOption } from "../charts";
import { el, replace } from "../dom";
import { t } from "../i18n";
import { formatRoute, withPage } from "../route";
import type { View } from "../view";
import { chartPanel, heading, panel, stat } from "../view";

export const overviewView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const cards = el("div", { class: "stats", "data-testid": "stats" }, t("loading"));
    const series = chartPanel(t("probes"), "overview-series", true);
    const ports = chartPanel(t("topPorts"), "overview-ports");
    const sources = chartPanel(t("topSources"), "overview-sources");
    replace(root, heading("overview"), panel(t("events"), cards, true), series.panel, ports.panel, sources.panel);

    const load = async () => {
        const [overview, probes, srcs, topPorts, topSources] = await Promise.all([
            api.overview(route.filters, signal),
            api.series("probes", route.filters, {}, signal),
            api.series("sources", route.filters, {}, signal),
            api.top("ports", route.filters, 10, signal),
            api.top("sources", route.filters, 10, signal),
        ]);
        const to = (page: Parameters<typeof withPage>[1]) => formatRoute(withPage(route, page));
        replace(
            cards,
            stat(t("probes"), overview.probes, to("ports")),
            stat(t("sources"), overview.sources, to("map")),
            stat(t("scans"), overview.scans, to("scanners")),
            stat(t("attacks"), overview.attacks, to("scanners")),
            stat(t("sessions"), overview.sessions, to("honeypot")),
            stat(t("logins"), overview.logins, to("honeypot")),
            stat(t("downloads"), overview.downloads, to("honeypot")),
            stat(t("newSamples"), overview.samples, to("samples")),
            stat(t("hosts"), overview.infected_hosts, to("hosts")),
            stat(t("alerts"), overview.alerts, to("alerts")),
        );
        const filled = probes.points.some((p) => p.value > 0);
        draw(
            series.chart,
            timeSeriesOption([
                { name: t("probes"), points: probes.points },
                { name: t("sources"), points: srcs.points },
            ]),
            filled,
        );
        draw(
            ports.chart,
            topBarOption(
                topPorts.items.map((i) => i.key),
                topPorts.items.map((i) => i.packets ?? i.count),
                t("packets"),
            ),
            topPorts.items.length > 0,
        );
        draw(
            sources.chart,
            topBarOption(
                topSources.items.map((i) => i.key),
                topSources.items.map((i) => i.packets ?? i.count),
                t("packets"),
            ),
            topSources.items.length > 0,
        );
        sources.chart.off("click");
        sources.chart.on("click", (p) => {
            if (typeof p.name === "string") location.hash = formatRoute(withPage(route, "source", p.name));
        });
    };
    await load();
    ctx.onLive(["darknet.*", "ddos.*", "honeypot.*", "sample", "alert", "intel.*"], load);
};
