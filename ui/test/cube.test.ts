import { describe, expect, it } from "vitest";

import { addressAxis, cubeEdges, cubeRecords, portAxis, project, reachAxis } from "../src/cube";

describe("darknet cube", () => {
    it("scales the axes into 0..1 in order", () => {
        expect(portAxis(0)).toBe(0);
        expect(portAxis(65535)).toBe(1);
        expect(portAxis(23)).toBeLessThan(portAxis(2323));
        expect(addressAxis("0.0.0.0")).toBe(0);
        expect(addressAxis("198.51.100.7")).toBeLessThan(addressAxis("203.0.113.1"));
        expect(addressAxis("255.255.255.255")).toBeLessThan(1);
        expect(addressAxis("not an address")).toBe(0);
        expect(addressAxis("2001:db8::1")).toBeCloseTo(0x20010db8 / 2 ** 32);
        expect(reachAxis(1)).toBe(0);
        expect(reachAxis(256)).toBe(0.5);
        expect(reachAxis(1e9)).toBe(1);
    });

    it("projects: no turn shows port across and reach up; a half turn mirrors", () => {
        const p = { port: 1, source: 0.5, reach: 1 };
        const [x, y] = project(p, 0, 0);
        expect(x).toBeCloseTo(0.5);
        expect(y).toBeCloseTo(0.5);
        const [xm] = project(p, Math.PI, 0);
        expect(xm).toBeCloseTo(-0.5);
    });

    it("has twelve edges", () => {
        expect(cubeEdges()).toHaveLength(12);
    });

    it("turns scans and attacks into points by kind, in time order", () => {
        const records = cubeRecords([
            { type: "ddos.attack", ts: "2026-12-07T10:00:02Z", victim: "192.0.2.20", ports: [{ port: 27015, packets: 9 }] },
            {
                type: "darknet.scan",
                ts: "2026-12-07T10:00:01Z",
                src: "198.51.100.10",
                scan_kind: "horizontal",
                dst_count: 200,
                dst_ports: [{ port: 23, packets: 300 }, { port: 2323, packets: 30 }],
            },
            { type: "honeypot.login", ts: "2026-12-07T10:00:00Z" },
        ]);
        expect(records.map((r) => r.kind)).toEqual(["horizontal", "horizontal", "backscatter"]);
        expect(records[0]!.label).toBe("198.51.100.10");
        expect(records[2]!.point.port).toBeCloseTo(portAxis(27015));
    });
});
