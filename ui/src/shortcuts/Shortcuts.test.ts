import { describe, expect, it } from "vitest";
import { shortcutOf } from "./Shortcuts";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe("shortcutOf", () => {
  it("maps Ctrl+1…4 to the screens and Ctrl+I to the inbox, also while typing", () => {
    expect(shortcutOf(key("1", { ctrlKey: true }), false)).toBe("environments");
    expect(shortcutOf(key("4", { ctrlKey: true }), true)).toBe("uat");
    expect(shortcutOf(key("i", { metaKey: true }), false)).toBe("inbox");
    expect(shortcutOf(key("5", { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key("2", { ctrlKey: true, altKey: true }), false)).toBeNull();
  });

  it("leaves ? to a field being typed in", () => {
    expect(shortcutOf(key("?"), false)).toBe("help");
    expect(shortcutOf(key("?"), true)).toBeNull();
    expect(shortcutOf(key("2"), false)).toBeNull();
  });
});
