// Shared set-up for the browser tests: a temporary database with one user per role, the real
// `tousu` server on a random port, and Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const BIN = process.env.TOUSU_BIN || join(root, 'target/debug/tousu');
export const SHOTS = join(root, 'artifacts/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASS = { admin: 'admin-pass-123', supervisor: 'super-pass-123', analyst: 'analyst-pass-123', h1: 'handler-pass-123' };

export async function startServer() {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tousu-web-'));
  const db = join(dir, 'web.db');
  const cli = (...args) => execFileSync(BIN, ['--db', db, ...args], { encoding: 'utf8', env: { ...process.env, TOUSU_LOG: 'warn' } });
  cli('user', 'add', '--role', 'admin', '--password', PASS.admin, 'admin');
  cli('user', 'add', '--role', 'supervisor', '--team', 'A', '--password', PASS.supervisor, 'supervisor');
  cli('user', 'add', '--role', 'analyst', '--password', PASS.analyst, 'analyst');
  cli('user', 'add', '--role', 'handler', '--team', 'A', '--display-name', '李处理', '--password', PASS.h1, 'h1');
  const token = cli('token', 'add', '--user', 'admin', 'browser-test').trim();
  const server = spawn(BIN, ['--db', db, 'serve', '--addr', '127.0.0.1:0'], { env: { ...process.env, TOUSU_LOG: 'warn' } });
  const base = await new Promise((res, rej) => {
    let buf = '';
    server.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/[0-9.:]+)\//);
      if (m) res(m[1]);
    });
    server.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const env = {
    dir, db, base, browser, token, cli,
    async createComplaint(body) {
      const res = await fetch(base + '/api/complaints', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()).complaint.id;
    },
    async stop() {
      await browser.close();
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}

export async function newPage(env) {
  const context = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  // No page may reach outside the server, log console errors or throw.
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(env.base) && !u.startsWith('data:')) problems.push(`external request ${u}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  page.problems = problems;
  return page;
}

/// Chromium reports documents answered with 4xx as console errors; tests that provoke them on
/// purpose name the statuses they expect.
export function clean(page, expectedStatuses = []) {
  const left = page.problems.filter((p) => !expectedStatuses.some((s) => p.includes(`status of ${s}`)));
  assert.deepEqual(left, [], 'page had problems');
}

export async function signIn(page, env, user) {
  await page.goto(env.base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PASS[user]);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

export async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.click('#sign-out')]);
  assert.match(page.url(), /\/login$/);
}
