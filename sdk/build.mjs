// Builds the SDK web's vendor files into OUT (argument; `make sdk` gives target/sdk):
// OUT/cdn/<host>/<path>: a vendor's published browser bundle, copied byte for byte from its
//   npm package to where the vendor's CDN serves it;
// OUT/app/<name>.js: a site's own bundle: an npm-only SDK bundled by esbuild into one IIFE
//   (entries/<name>.js only import it and put it on window), or an npm build that is one
//   file already, copied.
// Then OUT/SHA256SUMS lists every file's digest; the Makefile compares it with SHA256SUMS.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const out = process.argv[2];
if (!out) throw new Error("usage: node build.mjs OUT_DIR");
const nm = (p) => path.join(import.meta.dirname, "node_modules", p);
const version = (pkg) => JSON.parse(fs.readFileSync(nm(`${pkg}/package.json`))).version;

// [package folder or file, CDN host, path there]; a folder copies its *.js files.
const copies = [
  ["posthog-js/dist", "us-assets.i.posthog.com", "/static"],
  [
    "@amplitude/analytics-browser/lib/scripts/amplitude-min.js",
    "cdn.amplitude.com",
    `/libs/analytics-browser-${version("@amplitude/analytics-browser")}-min.js`,
  ],
  ["mixpanel-browser/dist/mixpanel.min.js", "cdn.mxpnl.com", "/libs/mixpanel-2-latest.min.js"],
  ["@segment/analytics-next/dist/umd", "cdn.segment.com", "/analytics-next/bundles"],
  ["@datadog/browser-rum/bundle/datadog-rum.js", "www.datadoghq-browser-agent.com", "/us1/v7/datadog-rum.js"],
  ["@datadog/browser-rum/bundle/chunks", "www.datadoghq-browser-agent.com", "/us1/v7/chunks"],
  ["clarity-js/build/clarity.min.js", "www.clarity.ms", `/s/${version("clarity-js")}/clarity.js`],
  [
    "@microsoft/applicationinsights-web/browser/es5/ai.3.gbl.min.js",
    "js.monitor.azure.com",
    "/scripts/b/ai.3.gbl.min.js",
  ],
  ["@mparticle/web-sdk/dist/mparticle.js", "jssdkcdns.mparticle.com", "/js/v2/mparticle.js"],
  ["@adobe/alloy/dist/alloy.min.js", "cdn1.adoberesources.net", `/alloy/${version("@adobe/alloy")}/alloy.min.js`],
  // Not an analytics SDK: the open-source fingerprinting library, for the probes web (#41).
  ["@fingerprintjs/fingerprintjs/dist/fp.min.js", "openfpcdn.io", "/fingerprintjs/v3/iife.min.js"],
];

// [package file, name]: an npm build made for bundlers and script tags alike, copied as a
// site's own bundle (OUT/app/<name>.js).
const appCopies = [["@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js", "rudderstack"]];

const bundles = ["sentry", "snowplow", "plausible", "newrelic"];

function copy(from, host, to) {
  const src = nm(from);
  const dest = path.join(out, "cdn", host, to);
  if (fs.statSync(src).isDirectory()) {
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(src).filter((f) => f.endsWith(".js")).sort()) {
      fs.copyFileSync(path.join(src, f), path.join(dest, f));
    }
  } else {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
  }
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

fs.rmSync(out, { recursive: true, force: true });
for (const [from, host, to] of copies) copy(from, host, to);
fs.mkdirSync(path.join(out, "app"), { recursive: true });
for (const [from, name] of appCopies) fs.copyFileSync(nm(from), path.join(out, "app", `${name}.js`));
for (const name of bundles) {
  await build({
    entryPoints: [path.join(import.meta.dirname, "entries", `${name}.js`)],
    bundle: true,
    format: "iife",
    minify: true,
    target: "es2018",
    legalComments: "inline",
    outfile: path.join(out, "app", `${name}.js`),
    logLevel: "warning",
  });
}
const sums = walk(out)
  .map((p) => path.relative(out, p))
  .sort()
  .map((rel) => `${createHash("sha256").update(fs.readFileSync(path.join(out, rel))).digest("hex")}  ${rel}`);
fs.writeFileSync(path.join(out, "SHA256SUMS"), sums.join("\n") + "\n");
console.log(`sdk: ${sums.length} files in ${out}`);
