// Building DOM without markup strings: every text (and every attacker-controlled string: usernames,
// commands, URLs, file names, family names) becomes a Text node or an attribute value, never HTML.

export type Child = Node | string | number | null | undefined | false;
type Listener = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | undefined | Listener>;

/** An element with attributes (`onclick: fn` adds a listener) and children (strings become text). */
export function el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Attrs = {},
    ...children: Child[]
): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === false) continue;
        if (typeof value === "function") {
            if (!name.startsWith("on")) throw new Error(`el: a function for ${name}`);
            node.addEventListener(name.slice(2), value);
        } else if (name.startsWith("on")) {
            throw new Error(`el: string event handler ${name}`); // would be an inline script
        } else {
            node.setAttribute(name, value === true ? "" : String(value));
        }
    }
    append(node, ...children);
    return node;
}

export function append(parent: Node, ...children: Child[]): void {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    }
}

/** Replaces all children of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    append(parent, ...children);
}

/** A table with a header row; cells are strings, numbers or nodes (strings become text). */
export function table(caption: string, headers: string[], rows: Child[][], empty: string): HTMLElement {
    if (rows.length === 0) return el("p", { class: "empty" }, empty);
    return el(
        "div",
        { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
        el(
            "table",
            {},
            el("caption", {}, caption),
            el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
            el("tbody", {}, ...rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell))))),
        ),
    );
}
