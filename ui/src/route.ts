// Deep links: every view and its filters live in the URL's fragment, so a link shared with a colleague
// opens the same view (`#/ports?range=24h&port=23`). The server only ever serves `/`.

export const VIEWS = [
    "overview",
    "map",
    "cube",
    "ports",
    "scanners",
    "honeypot",
    "samples",
    "hosts",
    "alerts",
] as const;
/** Detail pages reached by drill-down: a source address, a honeypot session, a sample. */
export const DETAILS = ["source", "session", "sample"] as const;

export type ViewName = (typeof VIEWS)[number];
export type DetailName = (typeof DETAILS)[number];
export type PageName = ViewName | DetailName;

export const RANGES = ["1h", "6h", "24h", "7d", "30d"] as const;
export type Range = (typeof RANGES)[number];

export interface Filters {
    range: Range;
    sensor?: string;
    port?: number;
    family?: string;
}

export interface Route {
    page: PageName;
    /** The subject of a detail page: an address, a session id, a SHA-256. */
    id?: string;
    filters: Filters;
}

export const DEFAULT_RANGE: Range = "24h";

const MAX_FILTER_TEXT = 200;

function isView(name: string): name is ViewName {
    return (VIEWS as readonly string[]).includes(name);
}
function isDetail(name: string): name is DetailName {
    return (DETAILS as readonly string[]).includes(name);
}
function isRange(text: string): text is Range {
    return (RANGES as readonly string[]).includes(text);
}

/** Reads a fragment such as `#/source/198.51.100.7?range=6h&port=23`; anything unknown falls back. */
export function parseRoute(hash: string): Route {
    const text = hash.startsWith("#") ? hash.slice(1) : hash;
    const q = text.indexOf("?");
    const path = q < 0 ? text : text.slice(0, q);
    const params = new URLSearchParams(q < 0 ? "" : text.slice(q + 1));
    const parts = path.split("/").filter((p) => p.length > 0);

    const filters: Filters = { range: DEFAULT_RANGE };
    const range = params.get("range");
    if (range !== null && isRange(range)) filters.range = range;
    const sensor = params.get("sensor");
    if (sensor) filters.sensor = sensor.slice(0, MAX_FILTER_TEXT);
    const port = params.get("port");
    if (port !== null && /^\d{1,5}$/.test(port) && Number(port) <= 65535) filters.port = Number(port);
    const family = params.get("family");
    if (family) filters.family = family.slice(0, MAX_FILTER_TEXT);

    const [first, second] = parts;
    if (first !== undefined && isDetail(first) && second !== undefined) {
        return { page: first, id: safeDecode(second).slice(0, MAX_FILTER_TEXT), filters };
    }
    if (first !== undefined && isView(first)) return { page: first, filters };
    return { page: "overview", filters };
}

function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/** The fragment for a route; parseRoute(formatRoute(r)) gives r back. */
export function formatRoute(route: Route): string {
    let path = `#/${route.page}`;
    if (route.id !== undefined) path += `/${encodeURIComponent(route.id)}`;
    const params = new URLSearchParams();
    if (route.filters.range !== DEFAULT_RANGE) params.set("range", route.filters.range);
    if (route.filters.sensor) params.set("sensor", route.filters.sensor);
    if (route.filters.port !== undefined) params.set("port", String(route.filters.port));
    if (route.filters.family) params.set("family", route.filters.family);
    const query = params.toString();
    return query ? `${path}?${query}` : path;
}

/** The same filters on another page (navigation keeps what the user chose). */
export function withPage(route: Route, page: PageName, id?: string): Route {
    return { page, id, filters: { ...route.filters } };
}

const RANGE_SECONDS: Record<Range, number> = {
    "1h": 3600,
    "6h": 6 * 3600,
    "24h": 24 * 3600,
    "7d": 7 * 86400,
    "30d": 30 * 86400,
};

export function rangeSeconds(range: Range): number {
    return RANGE_SECONDS[range];
}

/** The time bucket a series over `range` is drawn with (about 60-360 points). */
export function bucketFor(range: Range): "minute" | "hour" {
    return RANGE_SECONDS[range] <= 6 * 3600 ? "minute" : "hour";
}
