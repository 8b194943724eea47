import { describe, expect, it } from "vitest";

import { el, replace, table } from "../src/dom";

const HOSTILE = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`;

describe("dom helpers", () => {
    it("inserts strings as text, never markup", () => {
        const node = el("div", { title: HOSTILE }, HOSTILE, el("code", {}, HOSTILE));
        document.body.append(node);
        expect(node.querySelector("img")).toBeNull();
        expect(node.querySelector("script")).toBeNull();
        expect(node.textContent).toBe(HOSTILE + HOSTILE);
        expect(node.getAttribute("title")).toBe(HOSTILE);
        expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    });

    it("refuses inline event handler strings", () => {
        expect(() => el("a", { onclick: "alert(1)" })).toThrow(/string event handler/);
        expect(() => el("a", { href: (() => {}) as never })).toThrow();
    });

    it("adds listeners from functions", () => {
        let clicked = 0;
        const button = el("button", { onclick: () => clicked++ }, "go");
        button.click();
        expect(clicked).toBe(1);
    });

    it("builds tables of text cells and an empty note", () => {
        const t = table("creds", ["user"], [[HOSTILE], [42]], "none");
        expect(t.querySelectorAll("tbody tr")).toHaveLength(2);
        expect(t.querySelector("td")!.textContent).toBe(HOSTILE);
        expect(t.querySelector("script, img")).toBeNull();
        expect(table("x", ["a"], [], "nothing").textContent).toBe("nothing");
    });

    it("replaces children", () => {
        const parent = el("div", {}, "a", "b");
        replace(parent, "c", null, false, 0);
        expect(parent.textContent).toBe("c0");
    });
});
