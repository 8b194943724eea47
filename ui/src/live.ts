// Live updates from /api/v1/stream (server-sent events). Views register the event types they show and
// a reload; reloads are coalesced so a burst of events costs one fetch per view every few seconds.

import { storedKey } from "./api";

export const RELOAD_MS = 3000;

/** Whether an event type matches a pattern (`honeypot.*` matches by prefix). */
export function typeMatches(pattern: string, type: string): boolean {
    return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

interface Watch {
    types: string[];
    reload: () => Promise<void> | void;
    due: boolean;
    running: boolean;
}

export class LiveFeed {
    private source: EventSource | null = null;
    private watches: Watch[] = [];
    private timer: number | null = null;
    onState: (connected: boolean) => void = () => {};

    start(): void {
        if (this.source || typeof EventSource === "undefined") return;
        const key = storedKey();
        this.source = new EventSource(`/api/v1/stream${key ? `?key=${encodeURIComponent(key)}` : ""}`);
        this.source.onopen = () => this.onState(true);
        this.source.onerror = () => this.onState(false);
        this.source.onmessage = (m) => this.arrived(m.type);
        for (const type of ["darknet.scan", "darknet.port_stats", "darknet.campaign", "ddos.attack", "honeypot.session",
            "honeypot.login", "honeypot.command", "honeypot.download", "honeypot.http_request", "sample", "sandbox.report",
            "intel.infected_host", "intel.c2", "alert"]) {
            this.source.addEventListener(type, () => this.arrived(type));
        }
    }

    stop(): void {
        this.source?.close();
        this.source = null;
    }

    watch(types: string[], reload: () => Promise<void> | void): void {
        this.watches.push({ types, reload, due: false, running: false });
    }

    /** Forgets the watches of the view being left. */
    clear(): void {
        this.watches = [];
    }

    arrived(type: string): void {
        let any = false;
        for (const w of this.watches) {
            if (w.types.some((p) => typeMatches(p, type))) {
                w.due = true;
                any = true;
            }
        }
        if (any && this.timer === null) this.timer = window.setTimeout(() => this.flush(), RELOAD_MS);
    }

    private flush(): void {
        this.timer = null;
        for (const w of this.watches) {
            if (!w.due || w.running) continue;
            w.due = false;
            w.running = true;
            Promise.resolve()
                .then(() => w.reload())
                .catch(() => {}) // the view shows its own errors on the next full load
                .finally(() => {
                    w.running = false;
                });
        }
    }
}
