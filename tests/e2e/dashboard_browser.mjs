// The dashboard in a real browser (Debian's chromium driven by playwright-core), against a running
// `kansoku run` (dashboard_browser.py starts it and makes the traffic). Prints one line per check and
// exits 1 when one failed.
//
// Usage: node dashboard_browser.mjs BASE_URL ARTIFACTS_DIR HOSTILE_USERNAME
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "package.json")); // run from ui/, where playwright-core is
const { chromium } = require("playwright-core");

const [base, artifacts, hostile] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
let failed = 0;
let passed = 0;
function check(ok, what, detail = "") {
    if (ok) {
        passed++;
        console.log(`ok    ${what}`);
    } else {
        failed++;
        console.log(`FAIL  ${what}`);
        if (detail) for (const line of String(detail).split("\n").slice(0, 20)) console.log(`      ${line}`);
    }
    return ok;
}

// The views and whether the demo capture plus the telnet session must fill at least one chart.
const VIEWS = [
    ["overview", true],
    ["map", true],
    ["cube", true],
    ["ports", true],
    ["scanners", true],
    ["honeypot", true],
    ["samples", false],
    ["hosts", false],
    ["alerts", false],
];

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
const page = await context.newPage();
const problems = [];
page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("requestfailed", (r) => {
    // The live stream is cut when the page moves on: that is not a failure.
    if (!r.url().includes("/api/v1/stream")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
});
page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
});

async function loaded(view, timeout = 15000) {
    await page.waitForSelector(`.view[data-view="${view}"][data-loaded]`, { timeout });
    return page.getAttribute(`.view[data-view="${view}"]`, "data-loaded");
}

async function chartsFilled(view, timeout = 10000) {
    try {
        await page.waitForSelector(`.view[data-view="${view}"] [data-chart][data-filled="true"]`, { timeout });
        return true;
    } catch {
        return false;
    }
}

// First meaningful paint: from navigation start to the first chart drawn with data.
{
    const started = Date.now();
    await page.goto(`${base}/#/overview`);
    await page.waitForFunction(() => performance.getEntriesByName("kansoku-first-chart").length > 0, null, { timeout: 15000 }).catch(() => {});
    const mark = await page.evaluate(() => performance.getEntriesByName("kansoku-first-chart")[0]?.startTime ?? -1);
    writeFileSync(join(artifacts, "first-paint.txt"), `${mark.toFixed(0)} ms to the first chart with data (wall ${Date.now() - started} ms)\n`);
    check(mark > 0 && mark < 2000, `first meaningful paint (first chart with data) in ${mark.toFixed(0)} ms (< 2000)`);
}

for (const [view, mustFill] of VIEWS) {
    problems.length = 0;
    await page.goto(`${base}/#/${view}`);
    let state = "";
    try {
        state = await loaded(view);
    } catch (e) {
        state = `not loaded: ${e.message}`;
    }
    check(state === "true", `[${view}] loads`, state + "\n" + (await page.textContent("main").catch(() => "")));
    const filled = await chartsFilled(view, mustFill ? 10000 : 500);
    if (mustFill) check(filled, `[${view}] has a chart drawn with data`);
    await page.waitForTimeout(300); // let animations settle for the picture
    await page.screenshot({ path: join(artifacts, `dashboard-${view}.png`) });
    check(problems.length === 0, `[${view}] no console errors, no failed requests`, problems.join("\n"));
}

// Drill-down: from the map's sources to one source's detail.
{
    problems.length = 0;
    await page.goto(`${base}/#/map`);
    await loaded("map");
    const link = page.locator('.view[data-view="map"] a[href^="#/source/"]').first();
    const address = (await link.textContent().catch(() => "")) ?? "";
    if (check(address.length > 0, `[map] lists sources with links (${address})`)) {
        await link.click();
        await loaded("source");
        const shown = await page.textContent('[data-testid="source-ip"]');
        const rows = await page.locator('.view[data-view="source"] tbody tr').count();
        check(shown === address && rows > 0, `[map -> source] ${address}'s detail shows its events (${rows})`);
        await page.screenshot({ path: join(artifacts, "dashboard-source.png") });
    }
    check(problems.length === 0, "[source] no console errors, no failed requests", problems.join("\n"));
}

// The hostile username: shown as text on the honeypot view and in the session replay, never as markup.
{
    problems.length = 0;
    await page.goto(`${base}/#/honeypot`);
    await loaded("honeypot");
    const texts = await page.locator('.view[data-view="honeypot"] code').allTextContents();
    check(texts.includes(hostile), "[honeypot] the hostile username is shown, as text", texts.slice(0, 10).join("\n"));
    const injected = await page.evaluate(() => ({
        img: document.querySelectorAll('main img, main [onerror], main script, main b').length,
        pwned: window.__pwned ?? null,
    }));
    check(injected.img === 0 && injected.pwned === null, "[honeypot] its markup made no element and ran nothing", JSON.stringify(injected));
    const session = page.locator('.view[data-view="honeypot"] a[href^="#/session/"]').first();
    if (check((await session.count()) > 0, "[honeypot] lists the session")) {
        await session.click();
        await loaded("session");
        await page
            .waitForFunction((h) => {
                const text = document.querySelector('[data-testid="transcript"]')?.textContent ?? "";
                return text.includes(h) && text.includes("$ uname -a");
            }, hostile, { timeout: 8000 })
            .catch(() => {});
        const transcript = (await page.textContent('[data-testid="transcript"]')) ?? "";
        check(transcript.includes(hostile) && transcript.includes("$ uname -a"), "[session] the replay shows the login (as text) and the commands", transcript.slice(0, 800));
        check((await page.evaluate(() => window.__pwned ?? null)) === null, "[session] nothing ran");
        await page.screenshot({ path: join(artifacts, "dashboard-session.png") });
    }
    check(problems.length === 0, "[honeypot, session] no console errors, no failed requests", problems.join("\n"));
}

// Japanese labels, the keyboard, and a phone's width.
{
    await page.goto(`${base}/?lang=ja#/ports`);
    await loaded("ports");
    const nav = await page.textContent("nav");
    check(nav.includes("攻撃マップ") && nav.includes("ハニーポット"), "[ja] the navigation is in Japanese", nav);
    await page.screenshot({ path: join(artifacts, "dashboard-ports-ja.png") });
    await page.goto(`${base}/?lang=en#/overview`);
    await loaded("overview");
    await page.keyboard.press("Tab"); // the skip link
    const skip = await page.evaluate(() => document.activeElement?.className);
    let reachedNav = false;
    for (let i = 0; i < 8 && !reachedNav; i++) {
        await page.keyboard.press("Tab");
        reachedNav = await page.evaluate(() => document.activeElement?.closest("nav") !== null);
    }
    check(skip === "skip" && reachedNav, "[keyboard] Tab reaches the skip link, then the navigation");
    await page.keyboard.press("Enter"); // follows the focused link
    await page.waitForTimeout(300);
    check(/#\/\w+/.test(page.url()), `[keyboard] Enter on a navigation link opens a view (${page.url()})`);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    for (const view of ["overview", "map", "honeypot"]) {
        await small.goto(`${base}/#/${view}`);
        await small.waitForSelector(`.view[data-view="${view}"][data-loaded="true"]`, { timeout: 15000 });
        const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 1, `[phone] ${view} fits 390 px wide (overflow ${overflow} px)`);
        await small.screenshot({ path: join(artifacts, `dashboard-${view}-phone.png`), fullPage: false });
    }
    await phone.close();
}

await browser.close();
console.log(`${passed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
