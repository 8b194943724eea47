// One honeypot session: who, when, and its transcript replayed as a terminal (each line typed out at
// its recorded pace, gaps capped so a long session replays in seconds).

import type { TranscriptLine } from "../api";
import { ApiError, api } from "../api";
import { el, replace } from "../dom";
import { formatTime, t } from "../i18n";
import type { View } from "../view";
import { heading, link, panel } from "../view";

const MAX_GAP_MS = 600;

/** The delay before each line of a replay: recorded gaps, each capped at MAX_GAP_MS. */
export function replayDelays(lines: TranscriptLine[]): number[] {
    return lines.map((line, i) => {
        if (i === 0) return 0;
        const gap = Date.parse(line.ts) - Date.parse(lines[i - 1]!.ts);
        return Number.isFinite(gap) ? Math.min(Math.max(gap, 0), MAX_GAP_MS) : 0;
    });
}

/** How a transcript line reads in the terminal. */
export function terminalLine(line: TranscriptLine): string {
    switch (line.kind) {
        case "login":
            return `login: ${line.text}${line.success === undefined ? "" : line.success ? "  [ok]" : "  [denied]"}`;
        case "command":
            return `$ ${line.text}`;
        case "download":
            return `# download ${line.text}`;
        default:
            return `# ${line.kind} ${line.text}`;
    }
}

export const sessionView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const id = route.id ?? "";
    let session;
    try {
        session = await api.session(id, signal);
    } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
            replace(root, heading("session"), el("p", { class: "empty" }, `${t("notFound")}: `, el("code", {}, id)));
            return;
        }
        throw error;
    }
    const screen = el("pre", { class: "terminal", "data-testid": "transcript", tabindex: 0, "aria-live": "off" });
    let timers: number[] = [];
    const play = () => {
        timers.forEach((tm) => window.clearTimeout(tm));
        timers = [];
        screen.replaceChildren();
        const delays = replayDelays(session.transcript);
        let at = 0;
        session.transcript.forEach((line, i) => {
            at += delays[i] ?? 0;
            timers.push(window.setTimeout(() => screen.append(document.createTextNode(terminalLine(line) + "\n")), at));
        });
    };
    const replayButton = el("button", { type: "button", class: "button", onclick: play }, t("replay"));
    replace(
        root,
        heading("session", " ", el("code", {}, session.session)),
        el(
            "dl",
            { class: "facts" },
            el("dt", {}, t("srcAddress")),
            el("dd", {}, link(route, "source", session.src, `${session.src}:${session.src_port}`)),
            el("dt", {}, t("protocol")),
            el("dd", {}, `${session.protocol} → ${session.dst_port}`),
            el("dt", {}, t("firstSeen")),
            el("dd", {}, formatTime(session.start)),
            el("dt", {}, t("lastSeen")),
            el("dd", {}, session.end ? formatTime(session.end) : "—"),
        ),
        panel(t("transcript"), el("div", {}, replayButton, screen), true),
    );
    ctx.onLeave(() => timers.forEach((tm) => window.clearTimeout(tm)));
    play();
};
