// The darknet cube's geometry (after NICTER's Cube): each scan or backscatter record becomes points in
// a unit cube (destination port x source address x destinations reached), which is turned and
// projected onto the screen, so the cube can spin on an ordinary 2-D chart without WebGL.

export interface CubePoint {
    /** Destination port, square-root scaled so the busy low ports spread out: 0..1. */
    port: number;
    /** Source address in address order: 0..1. */
    source: number;
    /** Destination addresses reached, log scaled: 0..1. */
    reach: number;
}

/** Port -> 0..1 (square root: ports below 1024 get 12% of the axis instead of 1.6%). */
export function portAxis(port: number): number {
    return Math.sqrt(Math.min(Math.max(port, 0), 65535) / 65535);
}

/** An address -> 0..1 in address order (IPv4 by value; IPv6 by its first 32 bits). */
export function addressAxis(address: string): number {
    if (address.includes(":")) {
        const groups = address.split("::")[0]?.split(":") ?? [];
        const hi = parseInt(groups[0] || "0", 16) || 0;
        const lo = parseInt(groups[1] || "0", 16) || 0;
        return ((hi * 65536 + lo) >>> 0) / 4294967296;
    }
    const octets = address.split(".").map((o) => Number(o));
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return 0;
    return ((((octets[0]! * 256 + octets[1]!) * 256 + octets[2]!) * 256 + octets[3]!) >>> 0) / 4294967296;
}

/** Destinations reached -> 0..1 (log, 1 address = 0, 65536 or more = 1). */
export function reachAxis(count: number): number {
    if (count <= 1) return 0;
    return Math.min(1, Math.log2(count) / 16);
}

/**
 * Screen position of a cube point turned by `yaw` (about the vertical axis) and `pitch`, orthographic:
 * [x, y, depth], x and y in about -0.9..0.9, depth larger = nearer.
 */
export function project(p: CubePoint, yaw: number, pitch: number): [number, number, number] {
    const x = p.port - 0.5;
    const y = p.reach - 0.5;
    const z = p.source - 0.5;
    const cy = Math.cos(yaw);
    const sy = Math.sin(yaw);
    const x1 = x * cy + z * sy;
    const z1 = -x * sy + z * cy;
    const cp = Math.cos(pitch);
    const sp = Math.sin(pitch);
    const y2 = y * cp - z1 * sp;
    const z2 = y * sp + z1 * cp;
    return [x1, y2, z2];
}

/** The twelve edges of the unit cube, as pairs of corners. */
export function cubeEdges(): [CubePoint, CubePoint][] {
    const corners: CubePoint[] = [];
    for (const port of [0, 1]) for (const source of [0, 1]) for (const reach of [0, 1]) corners.push({ port, source, reach });
    const edges: [CubePoint, CubePoint][] = [];
    for (let i = 0; i < corners.length; i++) {
        for (let j = i + 1; j < corners.length; j++) {
            const a = corners[i]!;
            const b = corners[j]!;
            const differ = Number(a.port !== b.port) + Number(a.source !== b.source) + Number(a.reach !== b.reach);
            if (differ === 1) edges.push([a, b]);
        }
    }
    return edges;
}

export type CubeKind = "horizontal" | "vertical" | "block" | "backscatter";

export interface CubeRecord {
    kind: CubeKind;
    label: string;
    ts: number;
    point: CubePoint;
}

interface PortCount {
    port: number;
    packets: number;
}

/** Cube records from darknet.scan and ddos.attack events (one per port listed in each). */
export function cubeRecords(events: Record<string, unknown>[]): CubeRecord[] {
    const out: CubeRecord[] = [];
    for (const e of events) {
        const ts = Date.parse(String(e.ts ?? "")) || 0;
        if (e.type === "darknet.scan") {
            const src = String(e.src ?? "");
            const kind = e.scan_kind === "vertical" || e.scan_kind === "block" ? e.scan_kind : "horizontal";
            const reach = reachAxis(Number(e.dst_count ?? 1));
            for (const p of (e.dst_ports as PortCount[] | undefined) ?? []) {
                out.push({ kind, label: src, ts, point: { port: portAxis(p.port), source: addressAxis(src), reach } });
            }
        } else if (e.type === "ddos.attack") {
            const victim = String(e.victim ?? "");
            const reach = reachAxis(Number(e.darknet_addresses ?? 1));
            for (const p of (e.ports as PortCount[] | undefined) ?? []) {
                out.push({
                    kind: "backscatter",
                    label: victim,
                    ts,
                    point: { port: portAxis(p.port), source: addressAxis(victim), reach },
                });
            }
        }
    }
    return out.sort((a, b) => a.ts - b.ts);
}
