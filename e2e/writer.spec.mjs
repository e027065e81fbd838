// Browser test of the paste page's writer tools, in Debian's headless Chromium: open and drop a
// Word document, download its annotated copy, undo Apply and Insert with Ctrl+Z, keep the draft
// across a reload (and clear it), and export the HTML report. Run it through e2e/run.sh.
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
const DOCX = join(root, 'tests', 'fixtures', 'docx', 'libreoffice-saved.docx');

let step = 0;
const log = (msg) => console.log(`writer ${String(++step).padStart(2)}: ${msg}`);

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

async function linted(page, after) {
  await page.waitForFunction(
    (n) => document.body.dataset.busy === '0' && Number(document.body.dataset.linted || 0) > n,
    after,
  );
  return Number(await page.evaluate(() => document.body.dataset.linted));
}

async function downloaded(page, click, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(click)]);
  const path = join(outDir, name);
  await d.saveAs(path);
  return { file: d.suggestedFilename(), bytes: readFileSync(path) };
}

const { child, url } = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'claimlint-writer-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    acceptDownloads: true,
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
  await page.goto(url);
  let n = 0;

  // Open a .docx with the file picker.
  await page.setInputFiles('#open', DOCX);
  n = await linted(page, n);
  assert.equal(await page.inputValue('#format'), 'docx');
  const opened = await page.inputValue('#draft');
  assert.ok(opened.startsWith('A Game-Changer for Low Mood\n'), opened);
  assert.ok(await page.locator('#rendered mark').count() >= 4);
  assert.equal(await page.isVisible('#annotated'), true);
  log('a .docx opened with the picker is checked paragraph by paragraph');

  // Drop one on the draft.
  await page.fill('#draft', '');
  n = await linted(page, n);
  const b64 = readFileSync(DOCX).toString('base64');
  await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.docx'));
    const draft = document.getElementById('draft');
    draft.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    draft.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  n = await linted(page, n);
  assert.equal(await page.inputValue('#draft'), opened);
  assert.equal(await page.textContent('#status').then((s) => s.includes('finding')), true);
  log('a dropped .docx is opened the same way');

  // The annotated copy.
  const annotated = await downloaded(page, '#annotated', 'dropped.reviewed.docx');
  assert.equal(annotated.file, 'dropped.reviewed.docx');
  assert.equal(annotated.bytes.subarray(0, 2).toString(), 'PK');
  assert.ok(annotated.bytes.includes(Buffer.from('word/comments.xml')));
  log(`annotated copy downloaded: ${annotated.bytes.length} bytes with a comments part`);

  // Apply, then Ctrl+Z.
  await page.click('#rendered mark:text-is("Game-Changer")');
  await page.locator('#detail').waitFor({ state: 'visible' });
  await page.click('#detail button.apply');
  n = await linted(page, n);
  const applied = await page.inputValue('#draft');
  assert.notEqual(applied, opened);
  assert.ok(applied.startsWith('A New Option for Low Mood\n'), applied);
  await page.focus('#draft');
  await page.keyboard.press('Control+z');
  assert.equal(await page.inputValue('#draft'), opened);
  n = await linted(page, n);
  log('Apply is undone with Ctrl+Z');

  // Insert a caveat, then Ctrl+Z.
  await page.click('#caveats button.insert');
  n = await linted(page, n);
  assert.ok((await page.inputValue('#draft')).length > opened.length);
  await page.focus('#draft');
  await page.keyboard.press('Control+z');
  assert.equal(await page.inputValue('#draft'), opened);
  n = await linted(page, n);
  log('Insert caveat is undone with Ctrl+Z');

  // The draft survives a reload; Clear removes it.
  await page.fill('#draft', opened + 'A groundbreaking extra line.\n');
  n = await linted(page, n);
  await page.reload();
  n = await linted(page, 0);
  assert.equal(await page.inputValue('#draft'), opened + 'A groundbreaking extra line.\n');
  assert.equal(await page.inputValue('#format'), 'docx');
  log('the draft and its format survive a reload');

  // Export the report.
  const report = await downloaded(page, '#export', 'claimlint-report.html');
  assert.equal(report.file, 'claimlint-report.html');
  const html = report.bytes.toString('utf8');
  assert.match(html, /<h1>Marketing claims review<\/h1>/);
  assert.match(html, /<mark>groundbreaking<\/mark>/);
  log('Export report saves the HTML review of the draft');

  await page.click('#clear');
  assert.equal(await page.inputValue('#draft'), '');
  await page.reload();
  await page.waitForFunction(() => document.readyState === 'complete');
  assert.equal(await page.inputValue('#draft'), '');
  assert.equal(await page.evaluate(() => localStorage.getItem('claimlint.draft')), null);
  log('Clear empties the draft and the browser storage');

  assert.deepEqual(problems, [], 'no page errors or CSP violations');
  console.log('writer: all checks passed');
} finally {
  if (context) await context.close();
  child.kill();
  rmSync(profile, { recursive: true, force: true });
}
