// One sample: its digests and triage, the sandbox report (processes with what they executed, network,
// signatures with their ATT&CK ids), the downloads that brought it, what it dropped and its look-alikes.

import { ApiError, api } from "../api";
import { el, replace, table } from "../dom";
import { formatTime, t } from "../i18n";
import type { View } from "../view";
import { heading, link, panel, text } from "../view";

interface Exec {
    path?: string;
    argv?: string[];
}
interface Process {
    pid?: number;
    name?: string;
    execs?: Exec[];
}
interface Signature {
    id?: string;
    name?: string;
    severity?: string;
    mitre?: string[];
}

export const sampleView: View = async (root, ctx) => {
    const { route, signal } = ctx;
    const sha = route.id ?? "";
    let detail;
    try {
        detail = await api.sample(sha, signal);
    } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
            replace(root, heading("sample"), el("p", { class: "empty" }, `${t("notFound")}: `, el("code", {}, sha)));
            return;
        }
        throw error;
    }
    const sample = detail.sample ?? {};
    const sandbox = detail.sandbox ?? {};
    const processes = (sandbox.processes as Process[] | undefined) ?? [];
    const signatures = (sandbox.signatures as Signature[] | undefined) ?? [];
    const network = (sandbox.network ?? {}) as { dns?: { qname?: string }[]; connections?: Record<string, unknown>[] };

    replace(
        root,
        heading("sample", " ", el("code", { class: "hash" }, detail.sha256)),
        el(
            "dl",
            { class: "facts" },
            el("dt", {}, t("fileType")),
            el("dd", {}, `${text(sample.file_type)} ${text(sample.arch)}`),
            el("dt", {}, t("size")),
            el("dd", {}, text(sample.size)),
            el("dt", {}, t("firstSeen")),
            el("dd", {}, sample.first_seen ? formatTime(text(sample.first_seen)) : "—"),
            el("dt", {}, "ssdeep"),
            el("dd", {}, el("code", {}, text(sample.ssdeep))),
            el("dt", {}, t("verdict")),
            el("dd", {}, detail.sandbox ? `${text(sandbox.verdict)} (${text(sandbox.score)})` : "—"),
        ),
        panel(
            t("processes"),
            processes.length === 0
                ? el("p", { class: "empty" }, t("empty"))
                : el(
                      "ul",
                      { class: "tree" },
                      ...processes.map((p) =>
                          el(
                              "li",
                              {},
                              el("code", {}, `${text(p.pid)} ${text(p.name)}`),
                              el("ul", {}, ...(p.execs ?? []).map((x) => el("li", {}, el("code", {}, [x.path, ...(x.argv ?? []).slice(1)].join(" "))))),
                          ),
                      ),
                  ),
        ),
        panel(
            t("network"),
            el(
                "div",
                {},
                table("DNS", ["qname"], (network.dns ?? []).map((d) => [el("code", {}, text(d.qname))]), t("empty")),
                table(
                    t("network"),
                    ["proto", "dst", "port"],
                    (network.connections ?? []).map((c) => [text(c.proto), el("code", {}, text(c.dst ?? c.address)), text(c.port ?? c.dst_port)]),
                    t("empty"),
                ),
            ),
        ),
        panel(
            t("signatures"),
            table(
                t("signatures"),
                ["id", t("details"), t("severity"), "ATT&CK"],
                signatures.map((s) => [text(s.id), text(s.name), text(s.severity), (s.mitre ?? []).join(", ")]),
                t("empty"),
            ),
            true,
        ),
        panel(
            t("downloads"),
            table(
                t("downloads"),
                [t("time"), t("url"), t("srcAddress")],
                detail.downloads.map((d) => [formatTime(d.ts), el("code", {}, text(d.url)), link(route, "source", text(d.src), text(d.src))]),
                t("empty"),
            ),
            true,
        ),
        panel(
            t("cluster"),
            el(
                "ul",
                { class: "list" },
                ...detail.drops.map((h) => el("li", {}, `${t("drops")} `, link(route, "sample", h, h.slice(0, 16) + "…"))),
                ...detail.dropped_by.map((h) => el("li", {}, `${t("droppedBy")} `, link(route, "sample", h, h.slice(0, 16) + "…"))),
                ...detail.lookalikes.map((l) =>
                    el("li", {}, `${t("lookalike")} `, link(route, "sample", l.sha256, l.sha256.slice(0, 16) + "…"), ` ssdeep ${text(l.ssdeep)} tlsh ${text(l.tlsh)}`),
                ),
            ),
            true,
        ),
    );
};
