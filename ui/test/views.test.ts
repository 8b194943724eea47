import { describe, expect, it } from "vitest";

import { typeMatches } from "../src/live";
import { hostsByGroup } from "../src/views/hosts";
import { jitter, sourcePosition } from "../src/views/map";
import { alertMarks, heatCells } from "../src/views/ports";
import { replayDelays, terminalLine } from "../src/views/session";
import { eventSummary } from "../src/views/source";
import { NO_COUNTRY_SPOT, countryName, worldMap } from "../src/geo";

describe("view data", () => {
    it("makes heat-map cells from per-port series", () => {
        const s = (values: number[]) => ({ metric: "sources", step: 60, points: values.map((value, i) => ({ ts: String(i), value })) });
        expect(heatCells([s([1, 2]), s([0, 5])])).toEqual([
            [0, 0, 1],
            [1, 0, 2],
            [0, 1, 0],
            [1, 1, 5],
        ]);
    });

    it("marks the alerts of a port", () => {
        const alerts = [
            { id: 1, type: "alert", ts: "a", sensor: "s", kind: "darknet.outbreak", subject: "tcp/23", details: {} },
            { id: 2, type: "alert", ts: "b", sensor: "s", kind: "darknet.outbreak", subject: "tcp/2323", details: {} },
        ];
        expect(alertMarks(alerts, 23)).toEqual([{ xAxis: "a", name: "darknet.outbreak" }]);
        expect(alertMarks(alerts)).toHaveLength(2);
    });

    it("groups infected hosts by ISP, else AS, by state", () => {
        const { groups, counts } = hostsByGroup([
            { isp: "isp-a", state: "new" },
            { isp: "isp-a", state: "remediated" },
            { asn: 64500, as_name: "EXAMPLE", state: "notified" },
            { state: "weird" },
        ]);
        expect(groups[0]).toBe("isp-a");
        expect(counts.get("isp-a")).toEqual([1, 0, 1, 0, 0, 0]);
        expect(counts.get("AS64500 EXAMPLE")).toEqual([0, 1, 0, 0, 0, 0]);
        expect(counts.get("—")).toEqual([1, 0, 0, 0, 0, 0]);
    });

    it("replays a transcript at its pace, gaps capped", () => {
        const lines = [
            { id: 1, ts: "2026-12-07T10:00:00Z", kind: "login", text: "root / admin", success: true },
            { id: 2, ts: "2026-12-07T10:00:00.2Z", kind: "command", text: "uname -a" },
            { id: 3, ts: "2026-12-07T10:05:00Z", kind: "download", text: "http://x/bins.sh" },
        ];
        expect(replayDelays(lines)).toEqual([0, 200, 600]);
        expect(lines.map(terminalLine)).toEqual(["login: root / admin  [ok]", "$ uname -a", "# download http://x/bins.sh"]);
    });

    it("summarises a source's events", () => {
        expect(eventSummary({ type: "honeypot.login", username: "<b>root</b>", password: "x", success: false })).toBe("<b>root</b> / x ✗");
        expect(eventSummary({ type: "darknet.scan", tool: "mirai", scan_kind: "horizontal", proto: "tcp", dst_ports: [{ port: 23 }], dst_count: 5 })).toBe(
            "mirai horizontal tcp/23 → 5",
        );
    });

    it("matches stream types by prefix", () => {
        expect(typeMatches("honeypot.*", "honeypot.login")).toBe(true);
        expect(typeMatches("alert", "alerts")).toBe(false);
    });
});

describe("world map", () => {
    it("names countries by ISO code, with centres in the right place", () => {
        const world = worldMap();
        expect(world.geojson.features.length).toBeGreaterThan(150);
        const jp = world.centroids.get("JP")!;
        expect(jp[0]).toBeGreaterThan(128);
        expect(jp[0]).toBeLessThan(146);
        expect(jp[1]).toBeGreaterThan(30);
        expect(jp[1]).toBeLessThan(46);
        expect(countryName("JP", "ja")).toBe("日本");
        expect(countryName("JP", "en")).toBe("Japan");
    });

    it("places sources at their country, the rest at the no-country spot, stably", () => {
        const world = worldMap();
        expect(jitter("198.51.100.7", 4)).toEqual(jitter("198.51.100.7", 4));
        const [x, y] = sourcePosition({ key: "198.51.100.7", count: 1, country: null }, world.centroids);
        expect(Math.abs(x - NO_COUNTRY_SPOT[0])).toBeLessThanOrEqual(5);
        expect(Math.abs(y - NO_COUNTRY_SPOT[1])).toBeLessThanOrEqual(5);
        const [bx] = sourcePosition({ key: "1.2.3.4", count: 1, country: "BR" }, world.centroids);
        expect(bx).toBeLessThan(-30);
    });
});
