// Bundles main.jsx with esbuild and writes, into the directory given as the
// first argument: graphiql.js, graphiql.css and THIRD_PARTY_NOTICES.txt (the
// licenses of every npm package that ends up in the bundle, since the bundle
// drops license comments). Run by ../build.sh inside a temporary copy of this
// directory after `npm ci`.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const result = await esbuild.build({
  entryPoints: ['main.jsx'],
  outfile: path.join(outDir, 'graphiql.js'), // the CSS goes to graphiql.css beside it
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  legalComments: 'none', // collected into THIRD_PARTY_NOTICES.txt below
  define: { 'process.env.NODE_ENV': '"production"' },
  // graphql-ws's package exports put "import" (client and server) before
  // "browser" (the client alone), so esbuild would bundle its server too:
  // point the package at its client file. @graphiql/toolkit imports it
  // dynamically; that import is bundled, never loaded from anywhere.
  alias: { 'graphql-ws': './node_modules/graphql-ws/dist/client.js' },
  // Anything referenced by URL from CSS (fonts, images) is inlined: the page
  // must not load anything from another origin.
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
  metafile: true,
  logLevel: 'warning',
});

// Collect the license of each package that contributed to the bundle.
const pkgs = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!m || pkgs.has(m[1])) continue;
  const pj = JSON.parse(fs.readFileSync(path.join(m[1], 'package.json'), 'utf8'));
  const licFile = fs.readdirSync(m[1]).sort().find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licFile ? fs.readFileSync(path.join(m[1], licFile), 'utf8').trim() : `License: ${pj.license || 'unknown'} (no license file in the package)`;
  pkgs.set(m[1], { id: `${pj.name}@${pj.version}`, license: pj.license || '', text });
}
const entries = [...pkgs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
let notices = 'Third-party software bundled in graphiql.js and graphiql.css\n\n';
for (const e of entries) notices += `${'='.repeat(78)}\n${e.id} (${e.license})\n${'='.repeat(78)}\n${e.text.replace(/\r\n/g, '\n')}\n\n`;
fs.writeFileSync(path.join(outDir, 'THIRD_PARTY_NOTICES.txt'), notices);
console.log(`bundled ${entries.length} packages`);
