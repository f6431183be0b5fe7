// Reads the app's own Fluent files so tests expect exactly what translators wrote, in one place.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type Lang = "en" | "fa" | "ru";

const cache = new Map<Lang, Map<string, string>>();

/** Single-line messages (`key = value`) of a locale. */
export function messages(lang: Lang): Map<string, string> {
  let m = cache.get(lang);
  if (!m) {
    m = new Map();
    const text = readFileSync(join(__dirname, `../../../locales/${lang}/main.ftl`), "utf8");
    for (const line of text.split("\n")) {
      const match = line.match(/^([a-z][a-z0-9_-]*) = (.+)$/);
      if (match) m.set(match[1], match[2].trim());
    }
    cache.set(lang, m);
  }
  return m;
}

export function msg(lang: Lang, key: string): string {
  const value = messages(lang).get(key);
  if (value === undefined) throw new Error(`no message ${key} in ${lang}`);
  return value;
}
