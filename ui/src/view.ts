// What every view gets: its route, an abort signal that fires when the user leaves, a way to follow
// live events, and helpers for the page's building blocks (panels, charts, links).

import type { Chart } from "./charts";
import { makeChart } from "./charts";
import { el } from "./dom";
import type { LabelKey } from "./i18n";
import { formatNumber, t } from "./i18n";
import type { PageName, Route } from "./route";
import { formatRoute, withPage } from "./route";

export interface ViewContext {
    route: Route;
    signal: AbortSignal;
    /** Calls `reload` (at most every few seconds) while events of these types arrive. */
    onLive(types: string[], reload: () => Promise<void> | void): void;
    /** Runs when the view is left. */
    onLeave(fn: () => void): void;
}

export type View = (root: HTMLElement, ctx: ViewContext) => Promise<void>;

export function heading(key: LabelKey, ...extra: (string | Node)[]): HTMLElement {
    return el("h1", { id: "view-title", tabindex: -1 }, t(key), ...extra);
}

/** A titled panel; `wide` spans the grid's full width. */
export function panel(title: string, body: Node, wide = false): HTMLElement {
    const id = `panel-${Math.random().toString(36).slice(2, 8)}`;
    return el("section", { class: wide ? "panel wide" : "panel", "aria-labelledby": id }, el("h2", { id }, title), body);
}

/** A panel holding one chart; the chart's box gets `data-chart` for tests and a label for screen readers. */
export function chartPanel(title: string, name: string, wide = false, tall = false): { panel: HTMLElement; chart: Chart } {
    const box = el("div", {
        class: tall ? "chart tall" : "chart",
        "data-chart": name,
        role: "img",
        "aria-label": title,
    });
    const section = panel(title, box, wide);
    // Created on first use, once the view has put the panel in the page: a chart made on a detached
    // element has no size (and a map then has no invertible transform).
    let chart: Chart | null = null;
    return {
        panel: section,
        get chart(): Chart {
            chart ??= makeChart(box);
            return chart;
        },
    };
}

export function link(route: Route, page: PageName, id: string | undefined, text: string): HTMLAnchorElement {
    return el("a", { href: formatRoute(withPage(route, page, id)) }, text);
}

export function stat(label: string, value: number, href?: string): HTMLElement {
    const body = [el("span", { class: "stat-value" }, formatNumber(value)), el("span", { class: "stat-label" }, label)];
    return href ? el("a", { class: "stat", href }, ...body) : el("div", { class: "stat" }, ...body);
}

export function errorNote(error: unknown): HTMLElement {
    const message = error instanceof Error ? error.message : String(error);
    return el("p", { class: "error", role: "alert" }, `${t("error")}: ${message}`);
}

export function isAbort(error: unknown): boolean {
    return error instanceof DOMException && error.name === "AbortError";
}

export function text(value: unknown): string {
    if (value === null || value === undefined) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
}
