// The dashboard's shell: the navigation, the filter bar, the language switch and the live indicator;
// the fragment of the URL says which view to show with which filters (route.ts).

import "./styles.css";

import { ApiError, api, storeKey } from "./api";
import { disposeCharts, resizeCharts } from "./charts";
import { el, replace } from "./dom";
import type { Lang } from "./i18n";
import { lang, pickLang, setLang, t } from "./i18n";
import { LiveFeed } from "./live";
import type { PageName, Route, ViewName } from "./route";
import { RANGES, VIEWS, formatRoute, parseRoute, withPage } from "./route";
import type { View } from "./view";
import { errorNote, isAbort } from "./view";

// Each view is its own chunk, loaded when first shown: the first page needs only its own code
// (the world map's geometry and country names are not part of the overview's download).
const PAGES: Record<PageName, () => Promise<View>> = {
    overview: () => import("./views/overview").then((m) => m.overviewView),
    map: () => import("./views/map").then((m) => m.mapView),
    cube: () => import("./views/cube").then((m) => m.cubeView),
    ports: () => import("./views/ports").then((m) => m.portsView),
    scanners: () => import("./views/scanners").then((m) => m.scannersView),
    honeypot: () => import("./views/honeypot").then((m) => m.honeypotView),
    samples: () => import("./views/samples").then((m) => m.samplesView),
    hosts: () => import("./views/hosts").then((m) => m.hostsView),
    alerts: () => import("./views/alerts").then((m) => m.alertsView),
    source: () => import("./views/source").then((m) => m.sourceView),
    session: () => import("./views/session").then((m) => m.sessionView),
    sample: () => import("./views/sample").then((m) => m.sampleView),
};

const LANG_STORAGE = "kansoku.lang";
const bar = document.getElementById("bar")!;
const main = document.getElementById("main")!;
const live = new LiveFeed();
let leaving: AbortController | null = null;
let leaveHooks: (() => void)[] = [];
let liveState = false;

function storedLang(): string | null {
    try {
        return localStorage.getItem(LANG_STORAGE);
    } catch {
        return null;
    }
}

function switchLang(next: Lang): void {
    setLang(next);
    try {
        localStorage.setItem(LANG_STORAGE, next);
    } catch {
        /* not kept */
    }
    void show();
}

function filterBar(route: Route): HTMLElement {
    const range = el(
        "select",
        { id: "f-range", name: "range" },
        ...RANGES.map((r) => el("option", { value: r, selected: r === route.filters.range }, r)),
    );
    const sensor = el("input", { id: "f-sensor", name: "sensor", value: route.filters.sensor ?? "", size: 8, autocomplete: "off" });
    const port = el("input", {
        id: "f-port",
        name: "port",
        value: route.filters.port ?? "",
        inputmode: "numeric",
        pattern: "[0-9]{1,5}",
        size: 5,
        autocomplete: "off",
    });
    const family = el("input", { id: "f-family", name: "family", value: route.filters.family ?? "", size: 8, autocomplete: "off" });
    const form = el(
        "form",
        { class: "filters", "aria-label": t("filters"), role: "search" },
        el("label", { for: "f-range" }, t("range")),
        range,
        el("label", { for: "f-sensor" }, t("sensor")),
        sensor,
        el("label", { for: "f-port" }, t("port")),
        port,
        el("label", { for: "f-family" }, t("family")),
        family,
        el("button", { type: "submit", class: "button" }, t("apply")),
        el("a", { class: "button ghost", href: formatRoute({ page: route.page, id: route.id, filters: { range: "24h" } }) }, t("clear")),
    );
    form.addEventListener("submit", (event) => {
        event.preventDefault();
        const next: Route = parseRoute(
            formatRoute(route).split("?")[0] +
                "?" +
                new URLSearchParams({ range: range.value, sensor: sensor.value.trim(), port: port.value.trim(), family: family.value.trim() }).toString(),
        );
        location.hash = formatRoute(next);
    });
    range.addEventListener("change", () => form.requestSubmit());
    return form;
}

function header(route: Route): void {
    const current = route.page;
    const nav = el(
        "nav",
        { "aria-label": t("views") },
        el(
            "ul",
            {},
            ...VIEWS.map((name: ViewName) =>
                el(
                    "li",
                    {},
                    el("a", { href: formatRoute(withPage(route, name)), "aria-current": name === current ? "page" : undefined }, t(name)),
                ),
            ),
        ),
    );
    const other: Lang = lang() === "ja" ? "en" : "ja";
    const langButton = el(
        "button",
        { type: "button", class: "button ghost", lang: other, "aria-label": `${t("languageName")}: ${t("language")}`, onclick: () => switchLang(other) },
        t("language"),
    );
    const dot = el("span", { id: "live", class: liveState ? "live on" : "live", role: "status" }, liveState ? t("live") : t("offline"));
    replace(
        bar,
        el("div", { class: "brand" }, el("a", { href: formatRoute(withPage(route, "overview")) }, t("title")), dot, langButton),
        nav,
        filterBar(route),
    );
}

async function askForKey(message: string): Promise<void> {
    const input = el("input", { id: "api-key", type: "password", autocomplete: "off", size: 40 });
    const form = el(
        "form",
        { class: "panel" },
        el("h1", {}, t("apiKey")),
        el("p", {}, t("apiKeyHelp")),
        el("p", { class: "error" }, message),
        el("label", { for: "api-key" }, `${t("apiKey")} `),
        input,
        el("button", { type: "submit", class: "button" }, t("apply")),
    );
    replace(main, form);
    input.focus();
    await new Promise<void>((resolve) =>
        form.addEventListener("submit", (event) => {
            event.preventDefault();
            storeKey(input.value.trim());
            resolve();
        }),
    );
}

async function authenticate(): Promise<void> {
    for (;;) {
        try {
            await api.whoami();
            return;
        } catch (error) {
            if (error instanceof ApiError && error.status === 401) {
                storeKey(null);
                await askForKey(error.message);
            } else {
                return; // shown by the view
            }
        }
    }
}

async function show(): Promise<void> {
    leaving?.abort();
    leaveHooks.forEach((fn) => fn());
    leaveHooks = [];
    live.clear();
    disposeCharts();
    const controller = new AbortController();
    leaving = controller;
    const route = parseRoute(location.hash);
    document.documentElement.lang = lang();
    document.title = `${t(route.page)} — kansoku`;
    header(route);
    document.querySelector(".skip")!.textContent = t("skip");
    const container = el("div", { class: "view", "data-view": route.page }, el("p", { class: "loading" }, t("loading")));
    replace(main, container); // in the page before the view draws, so its charts have a size
    try {
        const view = await PAGES[route.page]();
        if (controller.signal.aborted) return;
        await view(container, {
            route,
            signal: controller.signal,
            onLive: (types, reload) => live.watch(types, reload),
            onLeave: (fn) => leaveHooks.push(fn),
        });
        if (controller.signal.aborted) return;
        container.dataset.loaded = "true";
        resizeCharts();
    } catch (error) {
        if (isAbort(error) || controller.signal.aborted) return;
        console.error(error); // a view that cannot load is an error the browser test must see
        replace(container, errorNote(error));
        container.dataset.loaded = "error";
    }
}

async function boot(): Promise<void> {
    setLang(pickLang(location.search, storedLang(), navigator.languages ?? [navigator.language]));
    window.addEventListener("hashchange", () => {
        void show().then(() => document.getElementById("view-title")?.focus({ preventScroll: true }));
    });
    let resizeTimer = 0;
    window.addEventListener("resize", () => {
        window.clearTimeout(resizeTimer);
        resizeTimer = window.setTimeout(resizeCharts, 150);
    });
    live.onState = (connected) => {
        liveState = connected;
        const dot = document.getElementById("live");
        if (dot) {
            dot.className = connected ? "live on" : "live";
            dot.textContent = connected ? t("live") : t("offline");
        }
    };
    await authenticate();
    live.start();
    await show();
}

void boot();
