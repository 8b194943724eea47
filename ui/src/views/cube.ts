// The darknet cube: scans and backscatter as points in (destination port x source x destinations
// reached), spinning, replayed in time order. Horizontal scans stand tall on one port, vertical scans
// lie flat across ports, backscatter sits on the victims' (often high) ports.

import { api } from "../api";
import { LinesChart } from "echarts/charts";
import { draw, echarts, PALETTE, TEXT, tooltipNode } from "../charts";
import type { CubeKind, CubeRecord } from "../cube";
import { cubeEdges, cubeRecords, project } from "../cube";
import { el, replace } from "../dom";
import { t } from "../i18n";
import { formatRoute, withPage } from "../route";
import type { View } from "../view";
import { chartPanel, heading } from "../view";

const KINDS: CubeKind[] = ["horizontal", "vertical", "block", "backscatter"];
const PITCH = 0.45;
const FRAME_MS = 100;
const REPLAY_FRAMES = 60;

echarts.use([LinesChart]);

export const cubeView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const cube = chartPanel(t("cube"), "cube", true, true);
    const reduced = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
    let playing = !reduced;
    const toggle = el("button", { type: "button", class: "button", "aria-pressed": String(playing) }, playing ? t("pause") : t("play"));
    toggle.addEventListener("click", () => {
        playing = !playing;
        toggle.textContent = playing ? t("pause") : t("play");
        toggle.setAttribute("aria-pressed", String(playing));
    });
    replace(root, heading("cube"), el("p", { class: "help" }, t("cubeHelp"), " ", toggle), cube.panel);

    let records: CubeRecord[] = [];
    let yaw = 0.6;
    let frame = REPLAY_FRAMES; // everything at first; the replay starts over after a pause
    const edges = cubeEdges();

    const render = () => {
        const shown = Math.ceil((records.length * Math.min(frame, REPLAY_FRAMES)) / REPLAY_FRAMES);
        const visible = records.slice(0, shown);
        const series = KINDS.map((kind, i) => ({
            id: kind,
            type: "scatter",
            name: kind,
            symbolSize: (v: number[]) => 4 + 4 * ((v[2] ?? 0) + 0.9),
            itemStyle: { color: PALETTE[i], opacity: 0.85 },
            data: visible
                .filter((r) => r.kind === kind)
                .map((r) => {
                    const [x, y, depth] = project(r.point, yaw, PITCH);
                    return { name: r.label, value: [x, y, depth] };
                }),
        }));
        const lines = edges.map(([a, b]) => {
            const [ax, ay] = project(a, yaw, PITCH);
            const [bx, by] = project(b, yaw, PITCH);
            return { coords: [[ax, ay], [bx, by]] };
        });
        const axisLabel = (text: string, p: { port: number; source: number; reach: number }) => {
            const [x, y] = project(p, yaw, PITCH);
            return { value: [x, y], label: { show: true, formatter: text, color: "#9fb6c6", fontSize: 11 } };
        };
        const aspect = cube.chart.getWidth() / Math.max(1, cube.chart.getHeight() - 28);
        const halfWidth = Math.max(0.95, 0.85 * aspect);
        draw(
            cube.chart,
            {
                animation: false,
                tooltip: {
                    trigger: "item",
                    formatter: (p: unknown) => {
                        const param = p as { name?: string; seriesName?: string };
                        return tooltipNode(param.name ?? "", [[t("kind"), param.seriesName ?? ""]]);
                    },
                },
                legend: { top: 0, data: KINDS, textStyle: { color: TEXT } },
                grid: { left: 0, right: 0, top: 28, bottom: 0 },
                // Equal scales on both axes, so the cube stays a cube at any width.
                xAxis: { type: "value", min: -halfWidth, max: halfWidth, show: false },
                yAxis: { type: "value", min: -0.85, max: 0.85, show: false },
                series: [
                    {
                        id: "edges",
                        type: "lines",
                        coordinateSystem: "cartesian2d",
                        silent: true,
                        lineStyle: { color: "#3d6680", width: 1 },
                        data: lines,
                    },
                    {
                        id: "axes",
                        type: "scatter",
                        silent: true,
                        symbolSize: 0,
                        data: [
                            axisLabel(t("dstPort"), { port: 1, source: 0, reach: 0 }),
                            axisLabel(t("srcAddress"), { port: 0, source: 1, reach: 0 }),
                            axisLabel(t("dstAddress"), { port: 0, source: 0, reach: 1 }),
                        ],
                    },
                    ...series,
                ],
            },
            records.length > 0,
        );
    };

    const load = async () => {
        const [scans, attacks] = await Promise.all([
            api.events({ type: "darknet.scan", limit: 1000, port: route.filters.port }, route.filters, signal),
            api.events({ type: "ddos.attack", limit: 200 }, route.filters, signal),
        ]);
        records = cubeRecords([...scans.events, ...attacks.events]);
        render();
    };
    await load();
    cube.chart.on("click", (p) => {
        if (p.seriesType === "scatter" && typeof p.name === "string" && p.name) {
            location.hash = formatRoute(withPage(route, "source", p.name));
        }
    });
    const timer = window.setInterval(() => {
        if (!playing) return;
        yaw += 0.03;
        frame = frame >= REPLAY_FRAMES * 3 ? 0 : frame + 1; // replay, hold, replay again
        render();
    }, FRAME_MS);
    if (!playing) frame = REPLAY_FRAMES;
    render();
    ctx.onLeave(() => window.clearInterval(timer));
    ctx.onLive(["darknet.scan", "ddos.attack"], load);
};
