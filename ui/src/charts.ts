// ECharts, tree-shaken to the charts and components the views use, on canvas. Tooltips are built as
// DOM nodes (text only), never from HTML strings, because series and item names can be attacker text.

import { BarChart, LineChart, ScatterChart } from "echarts/charts";
import {
    AriaComponent,
    DataZoomComponent,
    GridComponent,
    LegendComponent,
    MarkLineComponent,
    MarkPointComponent,
    TitleComponent,
    TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

import { el } from "./dom";

// What most views draw; the map, cube and heat map add their own kinds in their chunks.
echarts.use([
    BarChart,
    LineChart,
    ScatterChart,
    AriaComponent,
    DataZoomComponent,
    GridComponent,
    LegendComponent,
    MarkLineComponent,
    MarkPointComponent,
    TitleComponent,
    TooltipComponent,
    CanvasRenderer,
]);

export { echarts };
export type Chart = echarts.ECharts;

/** Text on the dark panels (axis labels, legends). */
export const TEXT = "#b9c9d4";

export const PALETTE = ["#ff5a36", "#2bb3c0", "#f2b134", "#7d6bd8", "#4caf50", "#e05297", "#8fa3b3", "#c97d3a"];

const charts = new Set<Chart>();
let paintReported = false;

/** A chart in `container`, resized with the window, disposed by disposeCharts(). */
export function makeChart(container: HTMLElement): Chart {
    const chart = echarts.init(container, null, { renderer: "canvas" });
    charts.add(chart);
    chart.on("finished", () => {
        if (!paintReported && container.dataset.filled === "true") {
            paintReported = true;
            performance.mark("kansoku-first-chart");
            window.dispatchEvent(new CustomEvent("kansoku:paint"));
        }
    });
    return chart;
}

/** Sets the chart's option and marks whether it holds data (tests and the paint mark read this). */
export function draw(chart: Chart, option: echarts.EChartsCoreOption, filled: boolean, notMerge = false): void {
    chart.getDom().dataset.filled = filled ? "true" : "false";
    chart.setOption(
        { aria: { enabled: true }, color: PALETTE, animationDuration: 600, textStyle: { color: TEXT }, ...option },
        notMerge,
    );
}

export function disposeCharts(): void {
    for (const chart of charts) chart.dispose();
    charts.clear();
}

export function resizeCharts(): void {
    for (const chart of charts) chart.resize();
}

/** A tooltip body: a title line and "label: value" rows, all as text. */
export function tooltipNode(title: string, rows: [string, string | number][]): HTMLElement {
    return el(
        "div",
        { class: "tip" },
        el("strong", {}, title),
        ...rows.map(([label, value]) => el("div", {}, `${label}: `, el("span", {}, String(value)))),
    );
}

interface TooltipParam {
    name?: string;
    seriesName?: string;
    value?: unknown;
    marker?: string;
    axisValueLabel?: string;
}

/** The default tooltip for axis charts: the axis value and each series' value, as text. */
export function axisTooltip(params: unknown): HTMLElement {
    const list = (Array.isArray(params) ? params : [params]) as TooltipParam[];
    const first = list[0];
    const title = first?.axisValueLabel ?? first?.name ?? "";
    return tooltipNode(
        title,
        list.map((p) => {
            const value = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
            return [p.seriesName ?? "", String(value ?? "")];
        }),
    );
}

export function itemTooltip(params: unknown): HTMLElement {
    const p = params as TooltipParam;
    const value = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
    return tooltipNode(p.name ?? p.seriesName ?? "", [[p.seriesName ?? "", String(value ?? "")]]);
}

/** A horizontal bar chart of a top list (names on the axis are canvas text, tooltips DOM text). */
export function topBarOption(names: string[], values: number[], label: string): echarts.EChartsCoreOption {
    return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: {
            type: "category",
            inverse: true,
            data: names,
            axisLabel: { width: 160, overflow: "truncate" },
        },
        series: [{ type: "bar", name: label, data: values, barMaxWidth: 18 }],
    };
}

export function timeSeriesOption(
    series: { name: string; points: { ts: string; value: number }[] }[],
    extra: echarts.EChartsCoreOption = {},
): echarts.EChartsCoreOption {
    return {
        tooltip: { trigger: "axis", formatter: axisTooltip },
        legend: { top: 0, type: "scroll", textStyle: { color: TEXT } },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "time" },
        yAxis: { type: "value", minInterval: 1 },
        series: series.map((s) => ({
            type: "line",
            name: s.name,
            showSymbol: false,
            smooth: false,
            areaStyle: { opacity: 0.12 },
            data: s.points.map((p) => [p.ts, p.value]),
        })),
        ...extra,
    };
}
