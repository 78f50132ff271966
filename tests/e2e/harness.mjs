// Test harness for the browser tests: starts a real `coproduce serve` on demo data, drives
// Debian's Chromium through playwright-core, and checks every page reached with axe-core.
//
// Environment:
//   COPRODUCE_BIN              the binary to test (default build/coproduce, from the repo root)
//   COPRODUCE_CHROMIUM         the browser (default /usr/bin/chromium)
//   COPRODUCE_E2E_BYPASS_CSP=1 turn the page's Content-Security-Policy off in the browser
//                              (by default it is enforced and every violation fails the test)
//
// Artifacts (server logs, screenshots and HTML of failing tests) go to tests/e2e/.artifacts/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  constants as fsc,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { paths, text, ui } from './selectors.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(ROOT, process.env.COPRODUCE_BIN || 'build/coproduce');
export const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', '.artifacts');
const CHROMIUM = process.env.COPRODUCE_CHROMIUM || '/usr/bin/chromium';
const BYPASS_CSP = process.env.COPRODUCE_E2E_BYPASS_CSP === '1';

const HEALTH_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const DEMO_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 10_000;
const NAVIGATION_TIMEOUT_MS = 15_000;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// State of this test file (node --test runs each file in its own process).
let currentServer = null;
const openContexts = new Set();
/** Contexts launched during the running scenario(): closed by it, after any failure snapshot. */
let scenarioContexts = null;
/** Requests to other hosts, aborted by the browser (see launchBrowser). */
const blockedRequests = [];
/** Per page: uncaught script errors and failed sub-resources since the last checkPage(). */
const pageProblems = new WeakMap();

function watchPage(p) {
  if (pageProblems.has(p)) return;
  const problems = [];
  const answered = new Set(); // sub-resources already reported with an error status
  pageProblems.set(p, problems);
  p.on('pageerror', (err) => problems.push(`script error: ${err.name}: ${err.message}`));
  p.on('response', (r) => {
    const req = r.request();
    if (req.isNavigationRequest() || r.status() < 400) return;
    if (new URL(r.url()).pathname === '/favicon.ico') return;
    answered.add(req);
    problems.push(`${req.resourceType()} ${r.url()} answered ${r.status()}`);
  });
  p.on('requestfailed', (req) => {
    if (req.isNavigationRequest() || answered.has(req)) return;
    // A live stream (Server-Sent Events) is cut when its page is left: not a problem. One the
    // server refused shows up above with its status.
    if (req.resourceType() === 'eventsource' && req.failure()?.errorText === 'net::ERR_ABORTED') return;
    if (new URL(req.url()).pathname === '/favicon.ico') return;
    problems.push(`${req.resourceType()} ${req.url()} failed: ${req.failure()?.errorText}`);
  });
}
const liveChildren = new Set();
/** Distinct page keys (pathname template + status) already checked with axe. */
export const visited = new Set();

// Every temporary folder of this process (server data, browser profiles) lives under one root,
// and a small watchdog process removes that root, and stops any server still listed in its
// "pids" file, if this process dies without cleaning up (SIGKILL, a runner that gives up).
let tempRoot = null;

const WATCHDOG = `
  const fs = require('node:fs');
  const [parent, root] = process.argv.slice(1);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const pids = () => { try { return fs.readFileSync(root + '/pids', 'utf8').split('\\n').filter(Boolean).map(Number); } catch { return []; } };
  const timer = setInterval(() => {
    if (alive(+parent)) return;
    clearInterval(timer);
    const left = pids();
    for (const pid of left) { try { process.kill(pid, 'SIGTERM'); } catch {} }
    setTimeout(() => {
      for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch {} }
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
      process.exit(0);
    }, left.length ? 5000 : 1000);
  }, 500);
`;

function tempDir(prefix) {
  if (!tempRoot) {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'coproduce-e2e-'));
    const dog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), tempRoot], {
      stdio: 'ignore',
      detached: true,
    });
    dog.unref();
  }
  return mkdtempSync(path.join(tempRoot, prefix));
}

function listServerPids() {
  if (!tempRoot) return;
  const pids = [...liveChildren].map((c) => c.pid).filter(Boolean);
  try {
    writeFileSync(path.join(tempRoot, 'pids'), pids.map((pid) => `${pid}\n`).join(''));
  } catch {
    /* the root is being removed */
  }
}

// If this test process is stopped (Ctrl-C, a runner's SIGTERM, an uncaught error), stop the
// servers it started and remove its temporary folders. (Playwright closes its browsers itself.)
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  if (tempRoot) {
    try {
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      /* the watchdog tries again */
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const child of liveChildren) child.kill('SIGTERM');
    // Leave Playwright's own handler a moment to close the browsers, then exit.
    setTimeout(() => process.exit(128 + os.constants.signals[signal]), 500).unref();
  });
}

// ---------------------------------------------------------------------------------------------
// Server

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; resolves with {code, signal, output}. */
function run(cmd, args, { timeout, env, onOutput }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      onOutput?.(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, output });
    });
  });
}

function tail(s, lines = 60) {
  const all = s.trimEnd().split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines in the log file)`] : [])
    .concat(all.slice(-lines))
    .join('\n');
}

/**
 * Creates demo data in a fresh folder and starts `coproduce serve` on a free loopback port.
 * @param {string} [label] names the log file under tests/e2e/.artifacts/
 * @returns {Promise<{baseURL: string, dataDir: string, port: number, logFile: string,
 *   log: () => string, stop: () => Promise<void>}>}
 */
export async function startServer(label = path.basename(process.argv[1] ?? 'e2e', '.test.mjs')) {
  try {
    await access(BIN, fsc.X_OK);
  } catch {
    const shown = process.env.COPRODUCE_BIN ? BIN : 'build/coproduce';
    throw new Error(`${shown} not found — run make build${shown === BIN ? '' : ` (looked for ${BIN})`}`);
  }
  await mkdir(ARTIFACTS, { recursive: true });
  const logFile = path.join(ARTIFACTS, `${label}-server.log`);
  const logStream = createWriteStream(logFile);
  let log = '';
  const append = (chunk) => {
    log += chunk;
    logStream.write(chunk);
  };
  const env = { ...process.env };
  env.COPRODUCE_RESOURCES ??= ROOT;

  const dataDir = tempDir('data-');
  const cleanup = async () => {
    await new Promise((r) => logStream.end(r));
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    append(`$ ${BIN} demo --data ${dataDir}\n`);
    const demo = await run(BIN, ['demo', '--data', dataDir], {
      timeout: DEMO_TIMEOUT_MS,
      env,
      onOutput: append,
    });
    if (demo.code !== 0) {
      throw new Error(
        `"coproduce demo" failed (exit ${demo.code ?? demo.signal}):\n${tail(demo.output)}`,
      );
    }

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const baseURL = `http://127.0.0.1:${port}`;
      const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir];
      append(`$ ${BIN} ${args.join(' ')}\n`);
      const child = spawn(BIN, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      liveChildren.add(child);
      listServerPids();
      const exited = new Promise((resolve) => {
        child.on('exit', (code, signal) => {
          liveChildren.delete(child);
          listServerPids();
          resolve({ code, signal });
        });
      });
      let exitStatus = null;
      exited.then((s) => {
        exitStatus = s;
      });
      child.stdout.on('data', append);
      child.stderr.on('data', append);
      child.on('error', (err) => append(`spawn error: ${err.message}\n`));

      const deadline = Date.now() + HEALTH_TIMEOUT_MS;
      let healthy = false;
      while (Date.now() < deadline && !exitStatus) {
        try {
          const res = await fetch(`${baseURL}${paths.healthz}`, {
            signal: AbortSignal.timeout(1000),
          });
          if (res.status === 200) {
            healthy = true;
            break;
          }
        } catch {
          /* not listening yet */
        }
        await sleep(100);
      }
      if (!healthy) {
        if (exitStatus && attempt < 3 && /in use|EADDRINUSE|bind/i.test(log)) continue;
        const why = exitStatus
          ? `exited (${exitStatus.code ?? exitStatus.signal}) before answering`
          : `did not answer 200 on ${paths.healthz} within ${HEALTH_TIMEOUT_MS / 1000} s`;
        if (!exitStatus) {
          child.kill('SIGKILL');
          await exited;
        }
        throw new Error(`coproduce serve ${why}. Server output:\n${tail(log)}`);
      }

      const server = {
        baseURL,
        port,
        dataDir,
        logFile,
        log: () => log,
        async stop() {
          const early = exitStatus;
          if (!exitStatus) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            const s = await exited;
            clearTimeout(timer);
            append(`[harness] server exited: ${s.code ?? s.signal}\n`);
          }
          if (currentServer === server) currentServer = null;
          await cleanup();
          if (early) {
            throw new Error(
              `coproduce serve exited during the tests (${early.code ?? early.signal}):\n${tail(log)}`,
            );
          }
          const sanitizer = log.match(/^.*(AddressSanitizer|LeakSanitizer|runtime error:).*$/m);
          if (sanitizer) throw new Error(`sanitizer report in the server log: ${sanitizer[0]}`);
        },
      };
      currentServer = server;
      return server;
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Browser

function isLocal(url) {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') {
      return true;
    }
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return true;
  }
}

// Runs before any page script: records Content-Security-Policy violations.
const CSP_RECORDER = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      (e.sourceFile ? ' (' + e.sourceFile + ':' + e.lineNumber + ')' : '') +
      (e.sample ? ' sample: ' + e.sample : ''));
  }, true);
`;

/** Contexts launched with JavaScript off: checkPage() cannot run axe in their pages. */
const noScriptContexts = new WeakSet();

/**
 * Launches Chromium with a fresh profile. Returns the Playwright BrowserContext; its first page is
 * `context.pages()[0]` (see page()). Closing the context removes the profile folder.
 * Requests to any host but this machine are aborted.
 * @param {{javaScriptEnabled?: boolean}} [options] javaScriptEnabled: false turns the pages'
 *   scripts off. axe-core then cannot run in them (its timers never fire), so checkPage() skips
 *   axe for such pages and leaves them out of `visited`.
 */
export async function launchBrowser({ javaScriptEnabled = true } = {}) {
  const profile = tempDir('chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    javaScriptEnabled,
    bypassCSP: BYPASS_CSP,
    baseURL: currentServer?.baseURL,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  if (!javaScriptEnabled) noScriptContexts.add(context);
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  await context.addInitScript(CSP_RECORDER);
  await context.route(
    (url) => !isLocal(url.href),
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const close = context.close.bind(context);
  let closed = false;
  context.close = async (...args) => {
    if (closed) return;
    const really = args[0] === REALLY;
    if (really) args.shift();
    else if (scenarioContexts?.has(context)) return; // scenario() closes it, after any snapshot
    closed = true;
    openContexts.delete(context);
    try {
      await close(...args);
    } finally {
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    }
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  openContexts.add(context);
  scenarioContexts?.add(context);
  return context;
}
const REALLY = Symbol('close now');

/** The context's first page (a persistent context opens with one). */
export async function page(context) {
  return context.pages()[0] ?? context.newPage();
}

// ---------------------------------------------------------------------------------------------
// Accessibility

/** Runs axe-core on the page and fails with a readable list of violations. */
export async function checkAxe(page, label = page.url()) {
  // page.evaluate goes through the DevTools protocol, so the page's CSP does not block it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  if (violations.length === 0) return;
  const lines = [`axe: ${violations.length} accessibility violation(s) on ${label} (${page.url()}):`];
  for (const v of violations) {
    lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element(s)) ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 3)) {
      lines.push(`      ${n.target}`);
      if (n.summary) lines.push(`        ${n.summary.replace(/\n/g, '\n        ')}`);
    }
    if (v.nodes.length > 3) lines.push(`      … and ${v.nodes.length - 3} more`);
  }
  assert.fail(lines.join('\n'));
}

/** "/p/riverside/organisations/42" -> "/p/riverside/organisations/:id"; tokens -> ":token". */
export function pathTemplate(urlOrPath) {
  const { pathname } = new URL(urlOrPath, 'http://x');
  return pathname
    .split('/')
    .map((seg) => {
      if (/^\d+$/.test(seg)) return ':id';
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return ':id';
      if (seg.length >= 16 && /\d/.test(seg) && /^[A-Za-z0-9_~.=-]+$/.test(seg)) return ':token';
      return seg;
    })
    .join('/');
}

async function cspViolations(page) {
  try {
    return await page.evaluate(() => window.__cspViolations ?? []);
  } catch {
    return [];
  }
}

/**
 * Checks the page now shown: status below 500, no script error, no missing stylesheet, script
 * or image, no CSP violation, and axe once per distinct (pathname template, status) — except in
 * a context launched with JavaScript off, where axe cannot run.
 */
export async function checkPage(page, status) {
  assert.ok(
    typeof status === 'number' && status < 500,
    `${page.url()} answered ${status}; server output:\n${tail(currentServer?.log() ?? '', 30)}`,
  );
  const problems = pageProblems.get(page)?.splice(0) ?? [];
  assert.deepEqual(problems, [], `problems while loading ${page.url()}`);
  if (!BYPASS_CSP) {
    const csp = await cspViolations(page);
    assert.deepEqual(csp, [], `Content-Security-Policy violations on ${page.url()}`);
  }
  if (noScriptContexts.has(page.context())) return;
  const key = `${pathTemplate(page.url())} [${status}]`;
  if (!visited.has(key)) {
    visited.add(key);
    await checkAxe(page, key);
  }
}

/**
 * Navigates to a path (or URL), asserts status < 500 and runs the page checks.
 * @returns {Promise<import('playwright-core').Response>}
 */
export async function visit(page, pathOrURL) {
  const url = new URL(pathOrURL, currentServer?.baseURL ?? page.url()).href;
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  await checkPage(page, response.status());
  return response;
}

/**
 * Performs an action that makes the main frame load a new document (a click on a link or a
 * submit button, a key press) and waits for it. Records the HTTP responses of the navigation
 * (redirects included), then runs the page checks.
 * @returns {Promise<{status: number, url: string, chain: {method: string, url: string,
 *   status: number, location: string|undefined}[]}>}
 */
export async function navigate(page, action) {
  const chain = [];
  const onResponse = (r) => {
    const req = r.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      chain.push({
        method: req.method(),
        url: r.url(),
        status: r.status(),
        location: r.headers().location,
      });
    }
  };
  let onFailed;
  const failed = new Promise((_, reject) => {
    onFailed = (req) => {
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
        const blocked = blockedRequests.length
          ? `; blocked requests to other hosts (only this machine may be reached): ${blockedRequests.join(', ')}`
          : chain.length === 0
            ? ' (nothing was loaded: a redirect to another host, which CSP form-action also blocks?)'
            : '';
        reject(new Error(`loading ${req.url()} failed: ${req.failure()?.errorText}${blocked}; ` +
          `responses so far: ${JSON.stringify(chain)}`));
      }
    };
  });
  failed.catch(() => {});
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  try {
    const navigated = page.waitForEvent('framenavigated', {
      predicate: (f) => f === page.mainFrame(),
      timeout: NAVIGATION_TIMEOUT_MS,
    });
    navigated.catch(() => {});
    await Promise.race([action(), failed]);
    await Promise.race([navigated, failed]);
    await Promise.race([page.waitForLoadState('load'), failed]);
  } finally {
    page.off('response', onResponse);
    page.off('requestfailed', onFailed);
  }
  assert.ok(chain.length > 0, `no document was loaded after the action (now on ${page.url()})`);
  const status = chain.at(-1).status;
  await checkPage(page, status);
  return { status, url: page.url(), chain };
}

/** Clicks a locator (a link or a submit button) and waits for the new page. */
export function follow(page, locator) {
  return navigate(page, () => locator.click());
}

/** The pathname of the page's URL, with the query string ("/sign-in?next=…"). */
export function where(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

/** The visible text of main, with whitespace collapsed. */
export async function mainText(page) {
  return (await ui.main(page).innerText()).replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/** Fills and submits the sign-in form; asserts nothing about the outcome. */
export async function submitSignIn(page, email, password, { next } = {}) {
  await visit(page, paths.signIn + (next ? `?next=${encodeURIComponent(next)}` : ''));
  await ui.signInForm.email(page).fill(email);
  await ui.signInForm.password(page).fill(password);
  return follow(page, ui.signInForm.submit(page));
}

/** Signs in and asserts the header says so. */
export async function signIn(page, email, password, options) {
  const nav = await submitSignIn(page, email, password, options);
  assert.equal(nav.status, 200, `sign-in for ${email} ended on ${nav.url} with ${nav.status}`);
  assert.ok(
    nav.chain.some((r) => r.status === 303),
    `sign-in should answer 303: ${JSON.stringify(nav.chain)}`,
  );
  await ui.signedInAs(page).waitFor();
  return nav;
}

/** Presses the header's "Sign out" button and asserts the header shows "Sign in" again. */
export async function signOut(page) {
  const nav = await follow(page, ui.signOutButton(page));
  assert.equal(where(page), paths.home, `after signing out: ${JSON.stringify(nav.chain)}`);
  await ui.signInLink(page).waitFor();
  return nav;
}

// ---------------------------------------------------------------------------------------------
// Tests with failure artifacts

function slug(s) {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

async function saveFailureArtifacts(name) {
  const saved = [];
  await mkdir(ARTIFACTS, { recursive: true });
  let i = 0;
  for (const context of openContexts) {
    for (const p of context.pages()) {
      const base = path.join(ARTIFACTS, `${slug(name)}-${++i}`);
      try {
        await p.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 });
        saved.push(`${base}.png`);
        await writeFile(`${base}.html`, `<!-- ${p.url()} -->\n${await p.content()}`);
        saved.push(`${base}.html`);
      } catch {
        /* the page may be gone */
      }
    }
  }
  return saved;
}

/**
 * Like node:test's test(), but when the test fails it appends the end of the server's log to the
 * error and saves a screenshot and the HTML of every open page under tests/e2e/.artifacts/.
 */
export function scenario(name, fn, options = {}) {
  return test(name, { timeout: 120_000, ...options }, async (t) => {
    const contexts = new Set();
    scenarioContexts = contexts;
    try {
      await fn(t);
    } catch (err) {
      const saved = await saveFailureArtifacts(name);
      const extra = [
        saved.length ? `Artifacts:\n  ${saved.join('\n  ')}` : '',
        currentServer
          ? `Server log (${currentServer.logFile}), last lines:\n${tail(currentServer.log(), 40)}`
          : '',
      ]
        .filter(Boolean)
        .join('\n');
      if (extra && err && typeof err === 'object') {
        // The reporter prints the stack, which holds the message as it was when thrown.
        try {
          const message = String(err.message ?? '');
          const stack = err.stack; // read before the message changes: V8 formats it lazily
          err.message = `${message}\n\n${extra}`;
          if (typeof stack === 'string') {
            err.stack = stack.includes(message)
              ? stack.replace(message, () => err.message)
              : `${stack}\n\n${extra}`;
          }
        } catch {
          /* read-only properties */
        }
      }
      throw err;
    } finally {
      scenarioContexts = null;
      for (const context of contexts) await context.close(REALLY).catch(() => {});
    }
  });
}

/** Runs fn(page) in a fresh browser signed in as `who` ({email, password}), then closes it. */
export async function asPerson(who, fn, options) {
  const context = await launchBrowser(options);
  try {
    const p = await page(context);
    await signIn(p, who.email, who.password);
    return await fn(p);
  } finally {
    await context.close();
  }
}

/** Runs fn(page) in a fresh browser with nobody signed in, then closes it. */
export async function asPublic(fn, options) {
  const context = await launchBrowser(options);
  try {
    return await fn(await page(context));
  } finally {
    await context.close();
  }
}

export { paths, text, ui };
