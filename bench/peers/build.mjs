// Bundles the peers with esbuild (minified ES modules, as a production build would ship them)
// into bench/peers/dist/ with their HTML and Automerge's wasm. Run by bench/compare.sh.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
mkdirSync(out, { recursive: true });
for (const peer of ["automerge", "yjs"]) {
  await build({
    entryPoints: [join(here, `${peer}.js`)],
    outfile: join(out, `${peer}.bundle.js`),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  });
  copyFileSync(join(here, `${peer}.html`), join(out, `${peer}.html`));
}
const require = createRequire(join(here, "..", "package.json"));
copyFileSync(require.resolve("@automerge/automerge/automerge.wasm"), join(out, "automerge.wasm"));
