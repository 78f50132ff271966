#!/usr/bin/env node
// Copies the compiled Scottish Government Design System assets from node_modules into
// static/vendor/sgds/, keeping the package's dist/ layout (css/, scripts/, images/) so that
// any relative url() in the CSS keeps resolving. Idempotent: the target folder is rebuilt
// from scratch on every run.
//
//   static/vendor/sgds/css/design-system.min.css       (+ .map, referenced by sourceMappingURL)
//   static/vendor/sgds/scripts/design-system.js         (an ES module: load with type="module")
//   static/vendor/sgds/images/icons/icons.stack.svg     (SVG sprite for <use href="…#id">)
//   static/vendor/sgds/images/documents/svg/*.svg       (document type icons)
//   static/vendor/sgds/LICENSE.txt                      (MIT, Crown Copyright)
import { cp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'node_modules', '@scottish-government', 'design-system');
const dist = path.join(pkg, 'dist');
const target = path.join(root, 'static', 'vendor', 'sgds');

// [source relative to the package, destination relative to target]
const files = [
  ['dist/css/design-system.min.css', 'css/design-system.min.css'],
  ['dist/css/design-system.min.css.map', 'css/design-system.min.css.map'],
  ['dist/scripts/design-system.js', 'scripts/design-system.js'],
  ['dist/images', 'images'],
  ['LICENSE.txt', 'LICENSE.txt'],
];

async function exists(p) {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  if (!(await exists(dist))) {
    console.error(
      `copy-vendor: ${path.relative(root, dist)} not found — run "npm ci --ignore-scripts" first`,
    );
    process.exit(1);
  }
  const { version } = JSON.parse(await readFile(path.join(pkg, 'package.json'), 'utf8'));

  await rm(target, { recursive: true, force: true });
  for (const [from, to] of files) {
    const src = path.join(pkg, from);
    const dst = path.join(target, to);
    if (!(await exists(src))) {
      console.error(`copy-vendor: missing ${path.relative(root, src)}`);
      process.exit(1);
    }
    await mkdir(path.dirname(dst), { recursive: true });
    await cp(src, dst, { recursive: true });
  }

  // Every relative url() in the CSS must point at a file we copied.
  const cssPath = path.join(target, 'css', 'design-system.min.css');
  const css = await readFile(cssPath, 'utf8');
  const missing = [];
  for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
    const ref = m[2].split(/[?#]/)[0];
    if (/^(data:|https?:|\/\/|\/)/.test(ref) || ref === '') continue;
    if (!(await exists(path.resolve(path.dirname(cssPath), ref)))) missing.push(ref);
  }
  if (missing.length) {
    console.error(`copy-vendor: the CSS refers to files not copied: ${missing.join(', ')}`);
    process.exit(1);
  }

  console.log(
    `copy-vendor: @scottish-government/design-system ${version} -> ${path.relative(root, target)}/`,
  );
}

await main();
