// The REST API under /api/v1/ (src/web/openapi.json is its reference). One fetch helper that adds the
// key when the user gave one, turns errors into ApiError, and aborts when the view changes.

import type { Filters } from "./route";
import { rangeSeconds } from "./route";

export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

const KEY_STORAGE = "kansoku.key";

export function storedKey(): string | null {
    try {
        return sessionStorage.getItem(KEY_STORAGE);
    } catch {
        return null;
    }
}

export function storeKey(key: string | null): void {
    try {
        if (key) sessionStorage.setItem(KEY_STORAGE, key);
        else sessionStorage.removeItem(KEY_STORAGE);
    } catch {
        /* private mode: the key lasts for this page only */
    }
}

export type Params = Record<string, string | number | undefined>;

/** `/api/v1/<path>?<params>`, leaving out undefined values. */
export function apiUrl(path: string, params: Params = {}): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
        if (value !== undefined && value !== "") query.set(name, String(value));
    }
    const text = query.toString();
    return `/api/v1/${path}${text ? `?${text}` : ""}`;
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const key = storedKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(apiUrl(path, params), { headers, signal });
    if (!response.ok) {
        let message = response.statusText;
        try {
            const body = (await response.json()) as { error?: { message?: string } };
            if (body.error?.message) message = body.error.message;
        } catch {
            /* not JSON */
        }
        throw new ApiError(response.status, message);
    }
    return (await response.json()) as T;
}

/** `from` for a range, as the API's duration form (`24h`, `7d`). */
export function rangeParams(filters: Filters): Params {
    return { from: filters.range };
}

/** The series step for a range: about 60..360 points. */
export function stepFor(filters: Filters): string {
    const seconds = rangeSeconds(filters.range);
    if (seconds <= 3600) return "1m";
    if (seconds <= 6 * 3600) return "5m";
    if (seconds <= 24 * 3600) return "15m";
    if (seconds <= 7 * 86400) return "1h";
    return "6h";
}

// Shapes of the answers (the fields the dashboard reads).

export interface Whoami {
    caller: "admin" | "tenant";
    tenant: string | null;
    local: boolean;
}

export interface Overview {
    from: string;
    to: string;
    events: Record<string, number>;
    scans: number;
    sources: number;
    probes: number;
    attacks: number;
    sessions: number;
    logins: number;
    commands: number;
    downloads: number;
    samples: number;
    sandbox_reports: number;
    alerts: number;
    infected_hosts: number;
}

export interface Point {
    ts: string;
    value: number;
}

export interface Series {
    metric: string;
    step: number;
    points: Point[];
}

export interface TopItem {
    key: string;
    count: number;
    packets?: number;
    proto?: string;
    port?: number;
    asn?: number;
    as_name?: string;
    username?: string;
    password?: string;
    successes?: number;
}

export interface Top {
    kind: string;
    items: TopItem[];
}

export type EventRecord = { id: number; type: string; ts: string; sensor: string } & Record<string, unknown>;

export interface EventPage {
    events: EventRecord[];
    count: number;
    next: string | null;
}

export interface TranscriptLine {
    id: number;
    ts: string;
    kind: string;
    text: string;
    success?: boolean;
    sha256?: string;
}

export interface Session {
    session: string;
    src: string;
    src_port: number;
    dst_port: number;
    protocol: string;
    start: string;
    end: string | null;
    closed: boolean;
    transcript: TranscriptLine[];
}

export interface SampleDetail {
    sha256: string;
    sample: Record<string, unknown> | null;
    triage: Record<string, unknown> | null;
    sandbox: Record<string, unknown> | null;
    downloads: EventRecord[];
    drops: string[];
    dropped_by: string[];
    lookalikes: { sha256: string; ssdeep?: number; tlsh?: number }[];
}

export interface HostPage {
    hosts: Record<string, unknown>[];
    count: number;
    next: string | null;
}

export const api = {
    whoami: (signal?: AbortSignal) => getJson<Whoami>("whoami", {}, signal),
    overview: (f: Filters, signal?: AbortSignal) => getJson<Overview>("overview", rangeParams(f), signal),
    series: (metric: string, f: Filters, extra: Params = {}, signal?: AbortSignal) =>
        getJson<Series>(`series/${metric}`, { ...rangeParams(f), step: stepFor(f), ...extra }, signal),
    top: (kind: string, f: Filters, limit = 10, signal?: AbortSignal) =>
        getJson<Top>(`top/${kind}`, { ...rangeParams(f), limit }, signal),
    events: (params: Params, f: Filters, signal?: AbortSignal) =>
        getJson<EventPage>("events", { ...rangeParams(f), sensor: f.sensor, ...params }, signal),
    session: (id: string, signal?: AbortSignal) => getJson<Session>(`sessions/${encodeURIComponent(id)}`, {}, signal),
    sample: (sha: string, signal?: AbortSignal) => getJson<SampleDetail>(`samples/${encodeURIComponent(sha)}`, {}, signal),
    hosts: (f: Filters, signal?: AbortSignal) =>
        getJson<HostPage>("hosts", { ...rangeParams(f), family: f.family, limit: 200 }, signal),
    host: (ip: string, signal?: AbortSignal) => getJson<Record<string, unknown>>(`hosts/${encodeURIComponent(ip)}`, {}, signal),
};
