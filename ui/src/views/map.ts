// The attack map (after NICTER's Atlas): each source drawn at its country, with an animated arc to
// the sensor site; countries and ASes as tables beside it. Selecting a source opens its detail.

import type { TopItem } from "../api";
import { EffectScatterChart, LinesChart, MapChart } from "echarts/charts";
import { GeoComponent } from "echarts/components";
import { api } from "../api";
import { draw, echarts, itemTooltip, topBarOption, tooltipNode } from "../charts";
import { el, replace, table } from "../dom";
import { NO_COUNTRY_SPOT, SENSOR_SITE, countryName, worldMap } from "../geo";
import { formatNumber, lang, t } from "../i18n";
import { formatRoute, withPage } from "../route";
import type { View } from "../view";
import { chartPanel, heading, link, panel } from "../view";

let registered = false;

/** A small, stable offset per address so sources of one country do not sit on one pixel. */
export function jitter(key: string, spread: number): [number, number] {
    let h = 2166136261;
    for (let i = 0; i < key.length; i++) {
        h ^= key.charCodeAt(i);
        h = Math.imul(h, 16777619);
    }
    const a = ((h >>> 0) % 1000) / 1000;
    const b = (((h >>> 10) >>> 0) % 1000) / 1000;
    return [(a - 0.5) * spread, (b - 0.5) * spread];
}

/** Where a source is drawn: its country's centre (or the no-country spot), slightly offset. */
export function sourcePosition(item: TopItem & { country?: string | null }, centroids: Map<string, [number, number]>): [number, number] {
    const base = (item.country && centroids.get(item.country)) || NO_COUNTRY_SPOT;
    const [dx, dy] = jitter(item.key, item.country ? 4 : 10);
    return [base[0] + dx, base[1] + dy];
}

echarts.use([MapChart, LinesChart, EffectScatterChart, GeoComponent]);

export const mapView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const world = worldMap();
    if (!registered) {
        echarts.registerMap("world", world.geojson as never);
        registered = true;
    }
    const map = chartPanel(t("map"), "map", true, true);
    const sourcesBox = el("div", {}, t("loading"));
    const countries = chartPanel(t("topCountries"), "map-countries");
    const asns = chartPanel(t("topAsns"), "map-asns");
    replace(
        root,
        heading("map"),
        el("p", { class: "help" }, t("mapHelp")),
        map.panel,
        panel(t("topSources"), sourcesBox, true),
        countries.panel,
        asns.panel,
    );

    const load = async () => {
        const [sources, topCountries, topAsns] = await Promise.all([
            api.top("sources", route.filters, 100, signal),
            api.top("countries", route.filters, 10, signal),
            api.top("asns", route.filters, 10, signal),
        ]);
        const items = sources.items as (TopItem & { country?: string | null })[];
        const points = items.map((item) => ({
            name: item.key,
            value: [...sourcePosition(item, world.centroids), item.packets ?? item.count],
        }));
        const maxPackets = Math.max(1, ...items.map((i) => i.packets ?? i.count));
        draw(
            map.chart,
            {
                tooltip: {
                    trigger: "item",
                    formatter: (p: unknown) => {
                        const param = p as { seriesType?: string; name?: string; value?: unknown };
                        if (param.seriesType === "scatter") {
                            const item = items.find((i) => i.key === param.name);
                            return tooltipNode(param.name ?? "", [
                                [t("country"), item?.country ? countryName(item.country, lang()) : "—"],
                                [t("packets"), formatNumber(item?.packets ?? 0)],
                                [t("scans"), formatNumber(item?.count ?? 0)],
                            ]);
                        }
                        if (param.seriesType === "effectScatter") return tooltipNode(t("sensorSite"), []);
                        return itemTooltip(p);
                    },
                },
                geo: {
                    map: "world",
                    roam: true,
                    zoom: 1.15,
                    itemStyle: { areaColor: "#17364a", borderColor: "#2f5b75" },
                    emphasis: { itemStyle: { areaColor: "#24516b" }, label: { show: false } },
                    tooltip: { show: false },
                },
                series: [
                    {
                        type: "lines",
                        coordinateSystem: "geo",
                        zlevel: 1,
                        effect: { show: true, period: 3, trailLength: 0.3, symbolSize: 4 },
                        lineStyle: { color: "#ff5a36", width: 1, opacity: 0.5, curveness: 0.3 },
                        data: points.map((p) => ({ coords: [p.value.slice(0, 2), SENSOR_SITE] })),
                        silent: true,
                    },
                    {
                        type: "scatter",
                        name: t("sources"),
                        coordinateSystem: "geo",
                        zlevel: 2,
                        symbolSize: (v: number[]) => 6 + 14 * Math.sqrt((v[2] ?? 0) / maxPackets),
                        itemStyle: { color: "#f2b134" },
                        data: points,
                        cursor: "pointer",
                    },
                    {
                        type: "effectScatter",
                        coordinateSystem: "geo",
                        zlevel: 2,
                        symbolSize: 12,
                        itemStyle: { color: "#2bb3c0" },
                        data: [{ name: t("sensorSite"), value: SENSOR_SITE }],
                    },
                ],
            },
            points.length > 0,
        );
        map.chart.off("click");
        map.chart.on("click", (p) => {
            if (p.seriesType === "scatter" && typeof p.name === "string") {
                location.hash = formatRoute(withPage(route, "source", p.name));
            }
        });
        replace(
            sourcesBox,
            table(
                t("topSources"),
                [t("address"), t("country"), t("asn"), t("packets"), t("scans")],
                items.map((i) => [
                    link(route, "source", i.key, i.key),
                    i.country ? countryName(i.country, lang()) : "—",
                    i.asn ? `AS${i.asn} ${i.as_name ?? ""}` : "—",
                    formatNumber(i.packets ?? 0),
                    formatNumber(i.count),
                ]),
                t("empty"),
            ),
        );
        draw(
            countries.chart,
            topBarOption(
                topCountries.items.map((i) => countryName(i.key, lang())),
                topCountries.items.map((i) => i.count),
                t("hosts"),
            ),
            topCountries.items.length > 0,
        );
        draw(
            asns.chart,
            topBarOption(
                topAsns.items.map((i) => `AS${i.key} ${i.as_name ?? ""}`),
                topAsns.items.map((i) => i.count),
                t("hosts"),
            ),
            topAsns.items.length > 0,
        );
    };
    await load();
    ctx.onLive(["darknet.scan", "intel.*"], load);
};
