// End-to-end test of `claimlint serve` in Debian's headless Chromium (never a downloaded browser).
//
// Starts the binary on a free port, pastes an overclaiming ketamine draft (with multi-byte
// characters before the claims, so byte offsets must be converted right), waits for highlights,
// opens one, applies its suggestion, inserts a caveat, checks pasted markup never runs, checks the
// page at phone width, saves screenshots (target/e2e/, docs/screenshot.png) and prints the lint
// latency for a 50 KB draft. Run it through e2e/run.sh; plain `node` and `assert`, no test runner.
//
// Environment: CLAIMLINT_BIN (default target/debug/claimlint), CHROMIUM (default
// /usr/bin/chromium).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(root, process.env.CLAIMLINT_BIN || 'target/debug/claimlint');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const outDir = join(root, 'target', 'e2e');
mkdirSync(outDir, { recursive: true });
mkdirSync(join(root, 'docs'), { recursive: true });

const DRAFT = readFileSync(join(root, 'e2e', 'draft.md'), 'utf8');

let step = 0;
const log = (msg) => console.log(`e2e ${String(++step).padStart(2)}: ${msg}`);

/** Starts `claimlint serve --port 0` and resolves with its URL from the first line it prints. */
function startServer() {
  const child = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no URL from claimlint serve: ${out}`)), 20000);
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`claimlint serve exited with ${code}: ${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^claimlint serve: listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1] });
      }
    });
  });
}

/** Waits until the page has finished a lint newer than `after` and has none pending. */
async function linted(page, after) {
  await page.waitForFunction(
    (n) => document.body.dataset.busy === '0' && Number(document.body.dataset.linted || 0) > n,
    after,
  );
  return Number(await page.evaluate(() => document.body.dataset.linted));
}

/** Median and max of `runs` POSTs of `text`, timed from Node (includes HTTP and JSON). */
async function timeLint(url, text, runs) {
  const times = [];
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url + 'api/lint', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, format: 'markdown' }),
    });
    n = (await res.json()).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1], findings: n };
}

const { child, url } = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'claimlint-e2e-'));
let context;
try {
  log(`server at ${url}`);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });

  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  log('page loaded with a Content-Security-Policy');

  // Paste the draft (fill fires `input`, like a paste) as Markdown.
  await page.selectOption('#format', 'markdown');
  let n = await linted(page, 0);
  await page.fill('#draft', DRAFT);
  n = await linted(page, n);
  await page.waitForSelector('#rendered mark');

  // Every highlight covers exactly the bytes the API reported: offsets converted correctly
  // despite the é, ’ and ï before and between the claims.
  const api = await (await fetch(url + 'api/lint', {
    method: 'POST',
    body: JSON.stringify({ text: DRAFT, format: 'markdown' }),
  })).json();
  const bytes = Buffer.from(DRAFT, 'utf8');
  const expected = api
    .filter((d) => d.category !== 'missing-caveat')
    .map((d) => bytes.subarray(d.start.offset, d.end.offset).toString('utf8'));
  const marks = await page.$$eval('#rendered mark', (ms) => ms.map((m) => m.textContent));
  assert.deepEqual(marks, expected);
  assert.ok(marks.includes('game-changer') && marks.includes('’') === false);
  const rendered = await page.textContent('#rendered');
  assert.equal(rendered, DRAFT, 'the rendered text is the draft, character for character');
  const counts = (await page.$$eval('#counts li', (ls) => ls.map((l) => l.textContent))).join(', ');
  assert.match(counts, /hype: \d/);
  assert.match(counts, /missing caveat: 6/);
  log(`${marks.length} highlights match the API's byte ranges; counts: ${counts}`);

  // Open a finding: message, reason, balanced wording and Apply.
  await page.click('#rendered mark:text-is("game-changer")');
  const detail = page.locator('#detail');
  await detail.waitFor({ state: 'visible' });
  const detailText = await detail.textContent();
  assert.match(detailText, /game-changer/);
  assert.match(detailText, /Why:/);
  assert.match(detailText, /Balanced wording:/);
  assert.match(detailText, /Replace with “new option”/);
  await page.screenshot({ path: join(outDir, 'desktop.png'), fullPage: true });
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
  log('highlight opened; screenshots saved');

  await detail.getByRole('button', { name: 'Apply' }).click();
  n = await linted(page, n);
  let text = await page.inputValue('#draft');
  assert.ok(text.includes('a true new option —'), text);
  assert.ok(!text.includes('game-changer'));
  assert.equal(text.length, DRAFT.length - 'game-changer'.length + 'new option'.length);
  const marksAfter = await page.$$eval('#rendered mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(!marksAfter.includes('game-changer'));
  log('Apply replaced "game-changer" with "new option" and the page re-linted');

  // Insert a caveat: appended as a new paragraph, and that caveat is no longer missing.
  const firstCaveat = page.locator('#caveats li[data-rule]').first();
  const rule = await firstCaveat.getAttribute('data-rule');
  const help = await firstCaveat.locator('blockquote').textContent();
  const before = await page.locator('#caveats li[data-rule]').count();
  await firstCaveat.getByRole('button', { name: 'Insert caveat' }).click();
  n = await linted(page, n);
  text = await page.inputValue('#draft');
  assert.ok(text.endsWith('\n\n' + help + '\n'), text.slice(-300));
  assert.equal(await page.locator(`#caveats li[data-rule="${rule}"]`).count(), 0);
  // (One sentence can satisfy more than one caveat.)
  const after = await page.locator('#caveats li[data-rule]').count();
  assert.ok(after < before, `${after} < ${before}`);
  log(`"Insert caveat" added ${rule}; ${after} of ${before} caveats still missing`);

  // Re-lint as the user types (debounced).
  await page.locator('#draft').press('End');
  await page.locator('#draft').type(' A miracle.');
  n = await linted(page, n);
  assert.ok((await page.inputValue('#draft')).endsWith(' A miracle.'));
  log('typing re-linted after the debounce');

  // Pasted markup is text, never code: in every format.
  const attack = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'
    + '<svg onload="window.__pwned = 3"></svg> a miracle cure';
  for (const fmt of ['text', 'html', 'markdown']) {
    await page.selectOption('#format', fmt);
    await page.fill('#draft', attack);
    n = await linted(page, n);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, fmt);
    assert.equal(await page.locator('#rendered img, #rendered script, #rendered svg').count(), 0);
    assert.equal(await page.textContent('#rendered'), attack);
    await page.waitForSelector('#rendered mark');
    await page.click('#rendered mark');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, fmt);
  }
  log('pasted <img onerror>, <script> and <svg onload> stayed text in text, html and markdown');

  // Copy revised text.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  await page.fill('#draft', 'Copy me: café’s 😀');
  await page.click('#copy');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('copied'));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Copy me: café’s 😀');
  log('"Copy revised text" copied the draft');

  // Phone width: nothing overflows sideways, and the flow still works.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.selectOption('#format', 'markdown');
  n = await linted(page, n);
  await page.fill('#draft', DRAFT);
  n = await linted(page, n);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 375px viewport`);
  await page.click('#rendered mark:text-is("revolutionary")');
  await page.locator('#detail').waitFor({ state: 'visible' });
  await page.screenshot({ path: join(outDir, 'mobile.png'), fullPage: true });
  log('375px wide: no horizontal overflow; screenshot saved');

  // Latency: a 50 KB draft, timed from Node and inside the page.
  let big = '';
  while (Buffer.byteLength(big) < 50 * 1024) big += DRAFT + '\n';
  const t = await timeLint(url, big, 15);
  await page.fill('#draft', big);
  n = await linted(page, n);
  const inPage = await page.evaluate(() => document.body.dataset.lintMs);
  log(`latency for a ${(Buffer.byteLength(big) / 1024).toFixed(0)} KB draft (${t.findings} findings): `
    + `median ${t.median.toFixed(1)} ms, max ${t.max.toFixed(1)} ms over 15 requests; `
    + `in the page ${inPage} ms including rendering the highlights`);

  assert.deepEqual(problems, [], 'no page errors, CSP violations or dialogs');
  console.log('e2e: all checks passed');
} finally {
  if (context) await context.close();
  child.kill();
  rmSync(profile, { recursive: true, force: true });
}
