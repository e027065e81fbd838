// Browser test of `check --format html`: the compliance report opens offline in Debian's headless
// Chromium, fetches nothing, shows one highlighted section per finding and the sign-off block,
// prints to PDF, and its screenshot goes to docs/report.png. Run it through e2e/run.sh.
//
// Environment: CLAIMLINT_BIN (default target/debug/claimlint), CHROMIUM (default
// /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(root, process.env.CLAIMLINT_BIN || 'target/debug/claimlint');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const outDir = join(root, 'target', 'e2e');
mkdirSync(outDir, { recursive: true });

let step = 0;
const log = (msg) => console.log(`report ${String(++step).padStart(2)}: ${msg}`);

/** Runs claimlint, which exits 1 when it finds something; returns stdout. */
function claimlint(args) {
  try {
    return execFileSync(bin, args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1780000000' },
    });
  } catch (e) {
    if (e.status === 1) return e.stdout;
    throw e;
  }
}

const pages = [
  'corpus/ketamine-infusion-hype.txt',
  'corpus/ketamine-faq-testimonials.md',
  'corpus/ketamine-split-tags.html',
];
const html = claimlint(['check', '--format', 'html', ...pages]);
const diags = JSON.parse(claimlint(['check', '--format', 'json', ...pages]));
const file = join(outDir, 'report.html');
writeFileSync(file, html);
log(`report of ${pages.length} pages, ${diags.length} findings: ${html.length} bytes`);

const profile = mkdtempSync(join(tmpdir(), 'claimlint-report-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1000, height: 1300 },
  });
  const page = context.pages()[0] || (await context.newPage());
  const fetched = [];
  const problems = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) fetched.push(r.url()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

  await page.goto(pathToFileURL(file).href);
  assert.equal(await page.textContent('h1'), 'Marketing claims review');
  assert.equal(await page.locator('section.finding').count(), diags.length);
  assert.equal(await page.locator('section.finding mark').count(), diags.length);
  // The first finding's words are the highlighted ones, and its basis is shown.
  const first = page.locator('section.finding').first();
  assert.equal(await first.locator('mark').textContent(), diags[0].matched);
  assert.equal(await first.locator('code').textContent(), diags[0].rule);
  assert.match(await first.textContent(), /Basis/);
  assert.equal(await page.locator('.signoff .field').count(), 5);
  assert.match(await page.textContent('.meta'), /^2026-05-28T20:26:40Z · claimlint /);
  log('one highlighted section per finding, basis and balanced wording, sign-off block');

  await page.screenshot({ path: join(root, 'docs', 'report.png') });
  log('screenshot saved to docs/report.png');

  await page.emulateMedia({ media: 'print' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `printed page is ${overflow}px wider than the paper`);
  await page.pdf({ path: join(outDir, 'report.pdf'), format: 'A4', printBackground: true });
  const pdf = readFileSync(join(outDir, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  log(`printed to PDF: ${(pdf.length / 1024).toFixed(0)} KB`);

  assert.deepEqual(fetched, [], 'the report fetches nothing');
  assert.deepEqual(problems, [], 'no page errors');
  console.log('report: all checks passed');
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
