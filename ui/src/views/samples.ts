// Samples: families, the newest samples and sandbox verdicts; each sample opens its reports.

import { api } from "../api";
import { draw, timeSeriesOption, topBarOption } from "../charts";
import { el, replace, table } from "../dom";
import { formatNumber, formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading, link, panel, text } from "../view";

export const samplesView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const families = chartPanel(t("topFamilies"), "samples-families");
    const series = chartPanel(t("newSamples"), "samples-series");
    const list = el("div", {}, t("loading"));
    const reports = el("div", {}, t("loading"));
    replace(root, heading("samples"), families.panel, series.panel, panel(t("samples"), list, true), panel(t("verdict"), reports, true));

    const load = async () => {
        const [topFamilies, sampleSeries, samplePage, reportPage] = await Promise.all([
            api.top("families", route.filters, 10, signal),
            api.series("samples", route.filters, {}, signal),
            api.events({ type: "sample", limit: 100, family: route.filters.family }, route.filters, signal),
            api.events({ type: "sandbox.report", limit: 100 }, route.filters, signal),
        ]);
        draw(
            families.chart,
            topBarOption(
                topFamilies.items.map((i) => i.key),
                topFamilies.items.map((i) => i.count),
                t("hosts"),
            ),
            topFamilies.items.length > 0,
        );
        draw(series.chart, timeSeriesOption([{ name: t("newSamples"), points: sampleSeries.points }]), samplePage.events.length > 0);
        replace(
            list,
            table(
                t("samples"),
                [t("sha256"), t("fileType"), t("size"), t("firstSeen"), "YARA"],
                samplePage.events.map((e) => [
                    link(route, "sample", text(e.sha256), text(e.sha256).slice(0, 16) + "…"),
                    `${text(e.file_type)} ${text(e.arch)}`,
                    formatNumber(Number(e.size ?? 0)),
                    formatTime(text(e.first_seen) || e.ts),
                    ((e.yara as { rule?: string }[] | string[] | undefined) ?? [])
                        .map((y) => (typeof y === "string" ? y : text(y.rule)))
                        .join(", "),
                ]),
                t("empty"),
            ),
        );
        replace(
            reports,
            table(
                t("verdict"),
                [t("sha256"), t("verdict"), t("score"), t("signatures")],
                reportPage.events.map((e) => [
                    link(route, "sample", text(e.sha256), text(e.sha256).slice(0, 16) + "…"),
                    text(e.verdict),
                    text(e.score),
                    ((e.signatures as { id?: string }[] | undefined) ?? []).map((s) => text(s.id)).join(", "),
                ]),
                t("empty"),
            ),
        );
    };
    await load();
    ctx.onLive(["sample", "sandbox.report", "intel.*"], load);
};
