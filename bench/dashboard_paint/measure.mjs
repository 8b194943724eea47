// The dashboard's first meaningful paint: navigation start to the first chart drawn with data
// (the performance mark "kansoku-first-chart"), each round in a fresh browser context (empty cache).
// The baseline, in the same rounds: loading /api/v1/status in the same browser (one small JSON
// answer from the same server), so a busy machine moves both. Run from ui/ (playwright-core).
//
// Usage: node measure.mjs BASE_URL ROUNDS
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "package.json"));
const { chromium } = require("playwright-core");
const [base, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText ?? 5);

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const paint = [];
const baseline = [];
for (let i = 0; i < rounds; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/api/v1/status`);
    baseline.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
    await page.goto(`${base}/#/overview`);
    await page.waitForFunction(() => performance.getEntriesByName("kansoku-first-chart").length > 0, null, {
        timeout: 20000,
    });
    paint.push(await page.evaluate(() => performance.getEntriesByName("kansoku-first-chart")[0].startTime));
    await context.close();
}
await browser.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p = median(paint);
const b = median(baseline);
console.log(`first meaningful paint: median ${p.toFixed(0)} ms, max ${Math.max(...paint).toFixed(0)} ms over ${rounds} cold loads`);
console.log(`baseline (/api/v1/status loaded): median ${b.toFixed(1)} ms; ratio ${(p / Math.max(b, 0.1)).toFixed(1)}`);
console.log(p < 2000 ? "PASS first paint < 2000 ms" : "FAIL first paint >= 2000 ms");
process.exit(p < 2000 ? 0 : 1);
