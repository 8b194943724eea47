// Honeypot activity: sessions, logins and commands over time, the top credentials and commands,
// downloads, and the latest sessions (each opens its transcript). Every username, password,
// command and URL is attacker text and is only ever inserted as text.

import { api } from "../api";
import { draw, timeSeriesOption, topBarOption } from "../charts";
import { el, replace, table } from "../dom";
import { formatNumber, formatTime, t } from "../i18n";
import type { View } from "../view";
import { chartPanel, heading, link, panel, text } from "../view";

export const honeypotView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const activity = chartPanel(t("honeypot"), "honeypot-series", true);
    const creds = chartPanel(t("topCredentials"), "honeypot-credentials");
    const credTable = el("div", {}, t("loading"));
    const commands = el("div", {}, t("loading"));
    const downloads = el("div", {}, t("loading"));
    const sessions = el("div", {}, t("loading"));
    replace(
        root,
        heading("honeypot"),
        activity.panel,
        creds.panel,
        panel(t("topCredentials"), credTable),
        panel(t("topCommands"), commands, true),
        panel(t("sessions"), sessions, true),
        panel(t("downloads"), downloads, true),
    );

    const load = async () => {
        const port = route.filters.port;
        const [sessionSeries, loginSeries, commandSeries, topCreds, topCommands, sessionPage, downloadPage] =
            await Promise.all([
                api.series("sessions", route.filters, {}, signal),
                api.series("logins", route.filters, {}, signal),
                api.series("commands", route.filters, {}, signal),
                api.top("credentials", route.filters, 10, signal),
                api.top("commands", route.filters, 15, signal),
                api.events({ type: "honeypot.session", limit: 50, port }, route.filters, signal),
                api.events({ type: "honeypot.download", limit: 50, port }, route.filters, signal),
            ]);
        draw(
            activity.chart,
            timeSeriesOption([
                { name: t("sessions"), points: sessionSeries.points },
                { name: t("logins"), points: loginSeries.points },
                { name: t("command"), points: commandSeries.points },
            ]),
            [sessionSeries, loginSeries, commandSeries].some((s) => s.points.some((p) => p.value > 0)),
        );
        draw(
            creds.chart,
            topBarOption(
                topCreds.items.map((i) => i.key),
                topCreds.items.map((i) => i.count),
                t("logins"),
            ),
            topCreds.items.length > 0,
        );
        replace(
            credTable,
            table(
                t("topCredentials"),
                [t("username"), t("password"), t("count"), t("success")],
                topCreds.items.map((i) => [
                    el("code", { "data-attacker": "username" }, i.username ?? ""),
                    el("code", {}, i.password ?? ""),
                    formatNumber(i.count),
                    formatNumber(i.successes ?? 0),
                ]),
                t("empty"),
            ),
        );
        replace(
            commands,
            table(
                t("topCommands"),
                [t("command"), t("count")],
                topCommands.items.map((i) => [el("code", {}, i.key), formatNumber(i.count)]),
                t("empty"),
            ),
        );
        replace(
            sessions,
            table(
                t("sessions"),
                [t("time"), t("session"), t("srcAddress"), t("protocol"), t("port")],
                sessionPage.events.map((e) => [
                    formatTime(e.ts),
                    link(route, "session", text(e.session), text(e.session)),
                    link(route, "source", text(e.src), text(e.src)),
                    text(e.protocol),
                    text(e.dst_port),
                ]),
                t("empty"),
            ),
        );
        replace(
            downloads,
            table(
                t("downloads"),
                [t("time"), t("url"), t("sha256"), t("size"), t("srcAddress")],
                downloadPage.events.map((e) => [
                    formatTime(e.ts),
                    el("code", {}, text(e.url)),
                    e.sha256 ? link(route, "sample", text(e.sha256), text(e.sha256).slice(0, 16) + "…") : text(e.outcome),
                    formatNumber(Number(e.size ?? 0)),
                    link(route, "source", text(e.src), text(e.src)),
                ]),
                t("empty"),
            ),
        );
    };
    await load();
    ctx.onLive(["honeypot.*"], load);
};
