// The dashboard's build: one HTML page and hashed assets under /assets/, written where the C++ build
// asks (KANSOKU_UI_OUT) so the server can embed them. No inline script or style: the server's CSP
// forbids them.
import { defineConfig } from "vitest/config";

export default defineConfig({
    base: "/",
    build: {
        outDir: process.env.KANSOKU_UI_OUT ?? "dist",
        emptyOutDir: true,
        assetsDir: "assets",
        assetsInlineLimit: 0,
        modulePreload: { polyfill: false },
        chunkSizeWarningLimit: 2000,
        sourcemap: process.env.KANSOKU_UI_SOURCEMAP === "1",
    },
    test: {
        environment: "jsdom",
        include: ["test/**/*.test.ts"],
    },
});
