// Scanners and DDoS: scanning tools by fingerprint, campaigns (sources probing one port with one
// tool), and DDoS victims seen through backscatter or the reflector honeypots.

import { api } from "../api";
import { draw, timeSeriesOption, topBarOption } from "../charts";
import { el, replace, table } from "../dom";
import { formatNumber, formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading, link, panel, text } from "../view";

export const scannersView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const tools = chartPanel(t("topTools"), "scanners-tools");
    const attacks = chartPanel(t("attacks"), "scanners-attacks");
    const campaigns = el("div", {}, t("loading"));
    const victims = el("div", {}, t("loading"));
    replace(root, heading("scanners"), tools.panel, attacks.panel, panel(t("campaigns"), campaigns, true), panel(t("victims"), victims, true));

    const load = async () => {
        const [topTools, attackSeries, campaignPage, attackPage] = await Promise.all([
            api.top("tools", route.filters, 10, signal),
            api.series("attacks", route.filters, {}, signal),
            api.events({ type: "darknet.campaign", limit: 100, port: route.filters.port }, route.filters, signal),
            api.events({ type: "ddos.attack", limit: 100 }, route.filters, signal),
        ]);
        draw(
            tools.chart,
            topBarOption(
                topTools.items.map((i) => i.key),
                topTools.items.map((i) => i.count),
                t("scans"),
            ),
            topTools.items.length > 0,
        );
        draw(attacks.chart, timeSeriesOption([{ name: t("attacks"), points: attackSeries.points }]), attackPage.events.length > 0);
        replace(
            campaigns,
            table(
                t("campaigns"),
                [t("time"), t("port"), t("tool"), t("sources"), t("packets"), t("srcAddress")],
                campaignPage.events.map((e) => [
                    formatTime(e.ts),
                    `${text(e.proto)}/${text(e.port)}`,
                    text(e.tool),
                    formatNumber(Number(e.sources ?? 0)),
                    formatNumber(Number(e.packets ?? 0)),
                    el(
                        "span",
                        { class: "list" },
                        ...((e.sample_sources as string[] | undefined) ?? []).slice(0, 5).map((s) => link(route, "source", s, s)),
                    ),
                ]),
                t("empty"),
            ),
        );
        replace(
            victims,
            table(
                t("victims"),
                [t("victim"), t("vector"), t("evidence"), t("firstSeen"), t("lastSeen"), t("packets"), t("ppm")],
                attackPage.events.map((e) => [
                    link(route, "source", text(e.victim), text(e.victim)),
                    text(e.vector),
                    text(e.evidence),
                    formatTime(text(e.start)),
                    formatTime(text(e.end)),
                    formatNumber(Number(e.packets ?? 0)),
                    formatNumber(Number(e.est_pps ?? 0)),
                ]),
                t("empty"),
            ),
        );
    };
    await load();
    ctx.onLive(["darknet.scan", "darknet.campaign", "ddos.attack"], load);
};
