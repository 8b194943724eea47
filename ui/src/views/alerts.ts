// Alerts: how many over time and the list (kind, severity, subject, details).

import { api } from "../api";
import { draw, timeSeriesOption } from "../charts";
import { el, replace, table } from "../dom";
import { formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading, panel, text } from "../view";

export const alertsView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const chart = chartPanel(t("alerts"), "alerts-series", true);
    const list = el("div", {}, t("loading"));
    replace(root, heading("alerts"), chart.panel, panel(t("alerts"), list, true));

    const load = async () => {
        const [series, page] = await Promise.all([
            api.series("alerts", route.filters, {}, signal),
            api.events({ type: "alert", limit: 200, port: route.filters.port }, route.filters, signal),
        ]);
        draw(chart.chart, timeSeriesOption([{ name: t("alerts"), points: series.points }]), page.events.length > 0);
        replace(
            list,
            table(
                t("alerts"),
                [t("time"), t("kind"), t("severity"), t("subject"), t("details")],
                page.events.map((e) => [
                    formatTime(e.ts),
                    text(e.kind),
                    el("span", { class: `sev sev-${text(e.severity).replace(/[^a-z]/g, "")}` }, text(e.severity)),
                    el("code", {}, text(e.subject)),
                    el("code", { class: "details" }, text(e.details)),
                ]),
                t("empty"),
            ),
        );
    };
    await load();
    ctx.onLive(["alert"], load);
};
