import { describe, expect, it } from "vitest";

import { DETAILS, VIEWS, formatRoute, parseRoute, withPage } from "../src/route";

describe("deep links", () => {
    it("round-trips every view with every filter", () => {
        for (const page of VIEWS) {
            const route = { page, filters: { range: "7d" as const, sensor: "tokyo-1", port: 23, family: "mirai" } };
            expect(parseRoute(formatRoute(route))).toEqual(route);
        }
    });

    it("round-trips detail pages with ids that need escaping", () => {
        for (const page of DETAILS) {
            const route = { page, id: "2001:db8::1/#?&x", filters: { range: "24h" as const } };
            const hash = formatRoute(route);
            expect(hash).not.toContain("#?");
            expect(parseRoute(hash)).toEqual(route);
        }
    });

    it("reads a shared link", () => {
        expect(parseRoute("#/ports?range=6h&port=2323")).toEqual({ page: "ports", filters: { range: "6h", port: 2323 } });
        expect(parseRoute("#/source/198.51.100.7")).toMatchObject({ page: "source", id: "198.51.100.7" });
    });

    it("falls back on anything it does not know", () => {
        expect(parseRoute("")).toEqual({ page: "overview", filters: { range: "24h" } });
        expect(parseRoute("#/nope?range=99y&port=70000&port=x")).toEqual({ page: "overview", filters: { range: "24h" } });
        expect(parseRoute("#/source")).toEqual({ page: "overview", filters: { range: "24h" } });
        expect(parseRoute("#/map?port=-1").filters.port).toBeUndefined();
        expect(parseRoute("#/map?port=65535").filters.port).toBe(65535);
        expect(parseRoute("#/source/%E0%A4%A").id).toBe("%E0%A4%A");
    });

    it("keeps filters when moving to another page", () => {
        const route = parseRoute("#/map?range=1h&family=mirai");
        expect(formatRoute(withPage(route, "source", "192.0.2.1"))).toBe("#/source/192.0.2.1?range=1h&family=mirai");
    });

    it("caps filter text", () => {
        expect(parseRoute(`#/map?family=${"a".repeat(5000)}`).filters.family).toHaveLength(200);
    });
});
