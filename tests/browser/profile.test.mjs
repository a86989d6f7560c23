// Complainant profiles in the browser: open a case, follow the link to the complainant's
// profile, see the risk tags with their reasons, open the printable worksheet and export it
// as XLSX; a supervisor splits a wrongly linked complaint off; the population page lists
// over-represented groups.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newPage, signIn, clean, SHOTS } from './harness.mjs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

let env;
before(async () => { env = await startServer(); });
after(async () => { await env?.stop(); });

const complaint = (ref, name, id, phone, date, channel = 'hotline') => ({
  external_ref: ref, received_at: date, channel, category: '理赔纠纷',
  text: '我今年七十多岁了，理赔被拒，要求赔付。再不解决就去监管局投诉。',
  complainant: { name, phone, ...(id ? { resident_id: id } : {}) },
});

test('case → profile with tags and reasons → printable worksheet and XLSX; supervisor split', async () => {
  const { base } = env;
  const a = await env.createComplaint(complaint('PR-1', '王建国', '11010519491231002X', '13800138000', '2026-06-01T09:00:00', 'regulator_referral'));
  const b = await env.createComplaint(complaint('PR-2', '王建國', null, '+86 138 0013 8000', '2026-08-01T09:00:00'));
  const c = await env.createComplaint(complaint('PR-3', '王建国', '11010519491231002X', '13900000000', '2026-10-01T09:00:00', 'regulator_referral'));
  // Someone else with the same phone: the family member stays a separate person.
  const w = await env.createComplaint(complaint('PR-4', '李秀兰', null, '13800138000', '2026-10-02T09:00:00'));

  const h = await newPage(env);
  await signIn(h, env, 'admin');
  await h.goto(`${base}/cases/${b}`);
  const panel = h.locator('#panel-person');
  assert.match(await panel.textContent(), /投诉人画像/);
  assert.equal(await panel.locator('li[data-tag=repeat]').count(), 1);
  await h.screenshot({ path: join(SHOTS, 'profile-case-panel.png'), fullPage: true });
  await Promise.all([h.waitForNavigation(), h.click('#person-link')]);
  assert.match(h.url(), new RegExp(`/persons/${a}$`));
  // Tags with reasons, the protective one marked as such.
  const repeat = h.locator('#tags li[data-tag=repeat]');
  assert.match(await repeat.textContent(), /3 件/);
  assert.match(await h.locator('#tags li[data-tag=vulnerable]').getAttribute('class'), /tag-protective/);
  assert.equal(await h.locator('#tags li[data-tag=linked_contacts]').count(), 1);
  assert.match(await h.locator('#block-basic').textContent(), /1101\*{10}002X/);
  const rows = await h.locator('#complaints tbody tr').count();
  assert.equal(rows, 3);
  await h.screenshot({ path: join(SHOTS, 'profile-page-zh.png'), fullPage: true });

  // A handler may read a profile but not decide identity.
  const hh = await newPage(env);
  await signIn(hh, env, 'h1');
  await hh.goto(`${base}/persons/${a}`);
  assert.equal(await hh.locator('#tags li[data-tag=repeat]').count(), 1);
  assert.equal(await hh.locator('#identity-decisions').count(), 0, 'handlers do not decide identity');
  clean(hh);

  // Printable worksheet and XLSX export.
  await h.goto(`${base}/persons/${a}/print`);
  assert.match(await h.locator('h1').textContent(), /投诉人画像工具表/);
  await h.screenshot({ path: join(SHOTS, 'profile-print.png'), fullPage: true });
  await h.goto(`${base}/persons/${a}`);
  const [download] = await Promise.all([h.waitForEvent('download'), h.click('#export-worksheet')]);
  assert.equal(download.suggestedFilename(), `profile-${a}.xlsx`);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  clean(h);

  // A supervisor splits complaint b off (English UI).
  const s = await newPage(env);
  await signIn(s, env, 'supervisor');
  await Promise.all([s.waitForNavigation(), s.click('#lang-switch')]);
  await s.goto(`${base}/persons/${a}`);
  assert.match(await s.locator('#tags').textContent(), /Repeat complainant/);
  await s.screenshot({ path: join(SHOTS, 'profile-page-en.png'), fullPage: true });
  await s.selectOption('#identity-decisions select[name=action]', 'split');
  await s.fill('#identity-decisions input[name=other]', String(b));
  await s.fill('#identity-decisions input[name=reason]', 'Called the customer: different person');
  await Promise.all([s.waitForNavigation(), s.click('#identity-decisions button[type=submit]')]);
  await s.goto(`${base}/persons/${a}`);
  assert.equal(await s.locator('#complaints tbody tr').count(), 2);
  // Complaint b is now a person of its own; the family member always was.
  for (const p of [b, w]) {
    await s.goto(`${base}/persons/${p}`);
    assert.equal(await s.locator('#complaints tbody tr').count(), 1);
  }

  // The population page.
  await s.goto(`${base}/analytics/profiles`);
  assert.match(await s.locator('h1').textContent(), /Complainant population/);
  assert.match(await s.locator('main').textContent(), /4 complaints with a complainant profile/);
  await s.screenshot({ path: join(SHOTS, 'population-en.png'), fullPage: true });
  clean(s);
});
