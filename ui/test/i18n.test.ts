import { describe, expect, it } from "vitest";

import { allKeys, labelIn, pickLang, setLang, t } from "../src/i18n";

describe("labels", () => {
    it("has every label in both languages, and Japanese differs where it is words", () => {
        for (const key of allKeys()) {
            expect(labelIn(key, "en").length).toBeGreaterThan(0);
            expect(labelIn(key, "ja").length).toBeGreaterThan(0);
        }
        setLang("ja");
        expect(t("map")).toBe("攻撃マップ");
        setLang("en");
        expect(t("map")).toBe("Attack map");
    });

    it("picks the language from the URL, then the stored choice, then the browser", () => {
        expect(pickLang("?lang=ja", "en", ["en-US"])).toBe("ja");
        expect(pickLang("", "ja", ["en-US"])).toBe("ja");
        expect(pickLang("", null, ["fr", "ja-JP"])).toBe("ja");
        expect(pickLang("?lang=xx", "zz", ["fr"])).toBe("en");
    });
});
