// Case assessment in the browser (issue #7): a refused-claim case shows its risk grade with
// reasons, a failed legal check, the playbook and its scripts; the handler builds a
// negotiation plan and asks for approval of the final offer; the supervisor grants it. The
// reply checker flags taboos; the queue sorts by risk; the checklist prints and downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, newPage, signIn, signOut, clean, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startServer(); });
after(async () => { await env?.stop(); });

const refusedClaim = {
  external_ref: 'AS-B1', received_at: '2026-11-20T09:30:00', channel: 'hotline', category: 'claim_refusal',
  product_line: '健康险', product: '安康重疾险',
  text: '我2021年在你们公司投保了安康重疾险，今年确诊癌症住院，申请理赔后你们以未如实告知为由拒赔。当初业务员根本没有问过健康情况！我要求赔付保险金30万元，否则就向12378投诉。你们到底讲不讲道理',
  demands: [{ kind: 'claim_payment', amount: { amount: '300000.00', currency: 'CNY' } }],
  policy: { number: 'P-2021-001', start_date: '2021-03-01', sum_insured: { amount: '300000.00', currency: 'CNY' } },
  claim: { amount_claimed: { amount: '300000.00', currency: 'CNY' }, decision: 'refused', refusal_ground: '未如实告知', decision_date: '2026-10-20' },
  extra: { '理赔申请日': '2026-09-01', '拒赔通知日期': '2026-10-30' },
};

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('a refused claim: grade, failed legal check, playbook, plan, approval granted by the supervisor', async () => {
  const { base } = env;
  const id = await env.createComplaint(refusedClaim);
  const calm = await env.createComplaint({
    external_ref: 'AS-B2', received_at: '2026-11-25T10:00:00', channel: 'online', text: '请问保单什么时候寄出？',
  });

  // The admin gives both to the handler (team A).
  const admin = await newPage(env);
  await signIn(admin, env, 'admin');
  for (const c of [id, calm]) {
    await admin.goto(`${base}/cases/${c}`);
    await admin.selectOption('#reassign select[name=assignee]', 'h1');
    await submit(admin, '#reassign button[type=submit]');
  }
  clean(admin);

  // The handler sees the assessment.
  const h = await newPage(env);
  await signIn(h, env, 'h1');
  await h.goto(`${base}/cases/${id}`);
  const grade = await h.getAttribute('#assess-grade .grade', 'data-grade');
  assert.ok(['high', 'critical'].includes(grade), `grade ${grade}`);
  assert.match(await h.textContent('#assess-grade'), /风险等级/);
  assert.equal(await h.locator('#assess-vulnerable').count(), 1, 'legally vulnerable');
  assert.match(await h.textContent('#assess-reasons li:first-child'), /法律上站不住/);
  const art16 = h.locator('#assess-legal li[data-check=non_disclosure_incontestable]');
  assert.equal(await art16.getAttribute('data-status'), 'fail');
  assert.match(await art16.textContent(), /第十六条/);
  assert.match(await art16.textContent(), /2021-03-01/, 'the data used is shown');
  assert.equal(await h.locator('#assess-dimensions .dim').count(), 5);
  assert.match(await h.textContent('#assess-dimensions .dim[data-dim=environment]'), /12378/, 'evidence quotes the text');
  // "你们到底讲不讲道理" reads as anger (the emotion back-up), so the more specific playbook of a
  // refused claim with an angry customer applies.
  assert.match(await h.textContent('#assess-playbook h2'), /理赔拒付，客户愤怒/);
  assert.ok(await h.locator('#assess-strategies li').count() >= 2);
  assert.match(await h.textContent('#assess-scripts tr[data-script=label]'), /听起来/);
  assert.match(await h.textContent('#assess-scripts tr[data-script=label]'), /It sounds like/);
  assert.equal(await h.locator('#assess-scripts tr[data-script=mirror]').count(), 1);
  await h.screenshot({ path: join(SHOTS, 'assess-case-zh.png'), fullPage: true });
  await h.locator('#assess').screenshot({ path: join(SHOTS, 'assess-grade-zh.png') });

  // The ladder of DOMAIN.md §6: entitlement ¥20,000, authority ¥10,000, demand ¥50,000.
  await h.fill('#plan-form input[name=entitlement]', '20000');
  await h.fill('#plan-form input[name=goodwill]', '10000');
  await h.fill('#plan-form input[name=demand]', '50000');
  await submit(h, '#plan-form button[type=submit]');
  const totals = await h.locator('#offers td[data-total]').allTextContents();
  assert.deepEqual(totals, ['¥26,500.00', '¥28,500.00', '¥29,500.00', '¥29,973.00']);
  assert.equal(await h.locator('#offers tr.needs-approval').count() >= 1, true);
  // Goodwill above the authority without approval is refused, with the reason shown.
  await h.selectOption('#concession-form select[name=kind]', 'goodwill');
  await h.fill('#concession-form input[name=amount]', '9973');
  await submit(h, '#concession-form button[type=submit]');
  assert.match(await h.textContent('#flash'), /需主管审批/);
  h.problems = h.problems.filter((p) => !p.includes('status of 422'));
  await h.fill('#request-approval input[name=reason]', '客户同意最终报价，一次性解决');
  await submit(h, '#request-approval button[type=submit]');
  const ap = h.locator('#approvals li').first();
  assert.equal(await ap.getAttribute('data-status'), 'pending');
  assert.equal(await ap.locator('form.decide').count(), 0, 'a handler cannot decide');
  await h.locator('#assess-negotiation').screenshot({ path: join(SHOTS, 'assess-negotiation-zh.png') });

  // The reply checker.
  await h.fill('#reply-form textarea', '您好，为什么您当初不如实告知？这是您自己的责任。本公司不予理赔。');
  await submit(h, '#reply-form button[type=submit]');
  const kinds = await h.locator('#reply-flags tr[data-kind]').evaluateAll((rs) => rs.map((r) => r.dataset.kind));
  for (const k of ['why_question', 'blame', 'absolute_refusal', 'missing_escalation']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  assert.ok(await h.locator('#reply-draft mark').count() >= 3);
  await h.screenshot({ path: join(SHOTS, 'assess-reply-zh.png'), fullPage: true });
  clean(h);
  await signOut(h);

  // The supervisor grants it, in English.
  const sup = await newPage(env);
  await signIn(sup, env, 'supervisor');
  await sup.goto(`${base}/cases/${id}`);
  await submit(sup, '#lang-switch');
  assert.match(await sup.textContent('#assess-grade'), /Risk grade/);
  assert.match(await sup.textContent('#assess-legal li[data-check=non_disclosure_incontestable]'), /Fail/);
  const pending = sup.locator('#approvals li[data-status=pending]');
  await pending.locator('input[name=note]').fill('Approved: one-off settlement');
  await Promise.all([sup.waitForNavigation(), pending.locator('button.grant').click()]);
  const granted = sup.locator('#approvals li').first();
  assert.equal(await granted.getAttribute('data-status'), 'granted');
  assert.match(await granted.textContent(), /decided by supervisor/);
  await sup.screenshot({ path: join(SHOTS, 'assess-case-en.png'), fullPage: true });
  await sup.locator('#assess-playbook').screenshot({ path: join(SHOTS, 'assess-playbook-en.png') });

  // Now the goodwill can be recorded against the granted approval; totals follow.
  await sup.selectOption('#concession-form select[name=kind]', 'goodwill');
  await sup.fill('#concession-form input[name=amount]', '9973');
  const option = await sup.locator('#concession-form select[name=approval_id] option').nth(1).getAttribute('value');
  await sup.selectOption('#concession-form select[name=approval_id]', option);
  await submit(sup, '#concession-form button[type=submit]');
  assert.match(await sup.textContent('#concession-totals'), /Goodwill: ¥9,973.00/);

  // The queue by risk: the refused claim before the calm question; grades shown.
  await sup.goto(`${base}/queue?sort=risk`);
  const ids = await sup.locator('table.rows a.case-link').allTextContents();
  assert.ok(ids.indexOf(String(id)) < ids.indexOf(String(calm)), `${ids}`);
  assert.equal(await sup.locator(`table.rows tr:has(a.case-link:text-is("${id}")) .grade`).getAttribute('data-grade'), grade);
  await sup.screenshot({ path: join(SHOTS, 'assess-queue-en.png') });
  // The dashboard's grade mix.
  await sup.goto(`${base}/`);
  assert.equal(await sup.locator('#chart-grades svg').count(), 1);
  // The checklist: printable HTML and XLSX.
  await sup.goto(`${base}/cases/${id}/checklist`);
  assert.match(await sup.textContent('#checklist h1'), /Negotiation checklist/);
  assert.match(await sup.textContent('#checklist'), /¥29,973.00/);
  await sup.emulateMedia({ media: 'print' });
  await sup.screenshot({ path: join(SHOTS, 'assess-checklist-print-en.png'), fullPage: true });
  await sup.emulateMedia({ media: 'screen' });
  const xlsx = await sup.request.get(`${base}/cases/${id}/checklist.xlsx`);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
  // Back to Chinese for the next tests' users.
  await sup.goto(`${base}/cases/${id}`);
  await submit(sup, '#lang-switch');
  clean(sup);
});
