// The case workflow in the browser: a complaint moves through its lifecycle on the case page,
// its deadline clocks and timeline change, and a stale form is refused with a conflict.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newPage, signIn, clean, SHOTS } from './harness.mjs';
import { join } from 'node:path';

let env;
before(async () => { env = await startServer(); });
after(async () => { await env?.stop(); });

async function act(page, action, fill = {}) {
  const form = page.locator(`#workflow form[data-action=${action}]`);
  for (const [name, value] of Object.entries(fill)) await form.locator(`[name=${name}]`).fill(value);
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
}

async function record(page, kind, fields = {}) {
  const form = page.locator('#events-form form');
  await form.locator('select[name=kind]').selectOption(kind);
  for (const [name, value] of Object.entries(fields)) {
    const el = form.locator(`[name=${name}]`);
    if (name === 'escalation' || name === 'decision') await el.selectOption(value);
    else await el.fill(value);
  }
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
}

const clock = (page, id) => page.locator(`#panel-deadline .clock[data-clock="${id}"]`);

test('a complaint moves through its lifecycle on the case page', async () => {
  const { base } = env;
  const id = await env.createComplaint({
    external_ref: 'LC-1', received_at: '2026-11-20T09:30:00', channel: 'regulator_referral',
    category: '理赔纠纷', text: '理赔被拒，要求重新核定。',
  });
  const admin = await newPage(env);
  await signIn(admin, env, 'admin');
  await admin.goto(`${base}/cases/${id}`);
  await admin.selectOption('#reassign select[name=assignee]', 'h1');
  await Promise.all([admin.waitForNavigation(), admin.click('#reassign button[type=submit]')]);

  const h = await newPage(env);
  await signIn(h, env, 'h1');
  await h.goto(`${base}/cases/${id}`);
  assert.equal(await h.textContent('#state'), '登记');
  // Received Fri 2026-11-20: +15 days = Sat 12-05, not a working day → Mon 2026-12-07.
  assert.equal(await clock(h, 'cn-order-2020-3/decision').locator('[data-due]').textContent(), '2026-12-07');
  // Contact within one working day: Mon 2026-11-23.
  assert.equal(await clock(h, 'internal/contact').locator('[data-due]').textContent(), '2026-11-23');

  // A supervisor opens the same case; the handler acts first; the supervisor's form is stale.
  const sup = await newPage(env);
  await signIn(sup, env, 'supervisor');
  await sup.goto(`${base}/cases/${id}`);
  await act(h, 'accept');
  assert.equal(await h.textContent('#state'), '受理');
  assert.equal(await clock(h, 'internal/contact').getAttribute('data-state'), 'met_late');
  const conflict = sup.waitForResponse((r) => r.url().includes(`/cases/${id}/transition`));
  await act(sup, 'accept');
  assert.equal((await conflict).status(), 409);
  sup.problems = sup.problems.filter((p) => !p.includes('status of 409'));
  assert.match(await sup.textContent('#flash'), /已被他人修改/);
  assert.equal(await sup.textContent('#state'), '受理', 'the page shows the current state after the conflict');

  // External appraisal: pause from Sat 11-21, resume Wed 11-25 → 4 paused days (11-21..11-24):
  // 11-20 + 15 + 4 = Wed 2026-12-09.
  await record(h, 'pause', { on_date: '2026-11-21', reason: '外部鉴定' });
  assert.equal(await clock(h, 'cn-order-2020-3/decision').getAttribute('data-state'), 'paused');
  await record(h, 'resume', { on_date: '2026-11-25' });
  const decision = clock(h, 'cn-order-2020-3/decision');
  assert.equal(await decision.locator('[data-due]').textContent(), '2026-12-09');
  assert.equal(await decision.locator('[data-paused]').textContent(), '4');
  // A pause without a reason is refused with the reason shown.
  await record(h, 'pause', { on_date: '2026-11-25', reason: '' });
  assert.match(await h.textContent('#flash'), /pause needs a reason/);
  h.problems = h.problems.filter((p) => !p.includes('status of 422'));

  await act(h, 'start_investigation');
  await act(h, 'propose_resolution');
  assert.equal(await h.textContent('#state'), '方案待批');
  assert.equal(await h.locator('#workflow form[data-action=send_decision]').count(), 0, 'a handler may not send the decision');
  await h.screenshot({ path: join(SHOTS, 'case-lifecycle.png'), fullPage: true });

  await sup.goto(`${base}/cases/${id}`);
  await act(sup, 'send_decision');
  assert.equal(await sup.textContent('#state'), '已答复');
  assert.equal(await clock(sup, 'cn-order-2020-3/decision').getAttribute('data-state'), 'met');

  await h.goto(`${base}/cases/${id}`);
  await act(h, 'close');
  assert.equal(await h.textContent('#state'), '结案');
  const kinds = await h.locator('#timeline li').evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(kinds, ['transition', 'pause', 'resume', 'transition', 'transition', 'transition', 'transition']);
  assert.match(await h.textContent('#timeline'), /外部鉴定/);
  assert.match(await h.textContent('#history'), /transition:send_decision/);
  // Escalation after the decision: mediation, recorded as an event.
  await record(h, 'escalation', { escalation: 'mediation', reason: '客户申请调解' });
  assert.equal(await h.locator('#timeline li[data-kind=escalation]').count(), 1);
  assert.match(await h.textContent('#timeline'), /客户申请调解/);
  clean(h); clean(sup); clean(admin);
  for (const p of [h, sup, admin]) await p.context().close();
});

test('the dashboard counts overdue complaints and the queue sorts by urgency', async () => {
  const { base } = env;
  // Received long ago and never handled: overdue.
  const old = await env.createComplaint({ external_ref: 'OD-1', received_at: '2025-01-06T10:00:00', channel: 'hotline', text: '久拖未决' });
  const page = await newPage(env);
  await signIn(page, env, 'admin');
  const overdue = Number((await page.textContent('#tile-overdue .v')).replace(/,/g, ''));
  assert.ok(overdue >= 1, `overdue ${overdue}`);
  await page.goto(`${base}/queue?sort=urgent`);
  const first = await page.locator('a.case-link').first().textContent();
  assert.equal(first, String(old), 'the most overdue complaint comes first');
  assert.equal(await page.locator('table.rows td.overdue').first().textContent(), '2025-01-07');
  clean(page);
  await page.context().close();
});
