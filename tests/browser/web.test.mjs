// End-to-end tests of the web UI in Debian's headless Chromium (driven by playwright-core).
// They run the real `tousu` binary on a random port with a temporary database.
// Screenshots land in ../../artifacts/screenshots/ for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newPage as openPage, signIn as login, signOut, clean as cleanPage, SHOTS, PASS } from './harness.mjs';

let env, base, xssId, dir;
const cli = (...args) => env.cli(...args);
const newPage = () => openPage(env);
const signIn = (page, user) => login(page, env, user);
const clean = (page) => cleanPage(page);

before(async () => {
  env = await startServer();
  base = env.base;
  dir = env.dir;
  // A complaint whose text attacks the page, with identifiers to mask.
  xssId = await env.createComplaint({
    external_ref: 'XSS-1', received_at: '2026-11-20T10:00:00', channel: 'hotline', category: '理赔纠纷',
    text: '<script>alert(1)</script> 我的身份证11010519491231002X，电话13800138000，<img src=x onerror=alert(2)>',
    complainant: { name: '王<b>五</b>', resident_id: '11010519491231002X', phone: '138 0013 8000' },
  });
});

after(async () => { await env?.stop(); });

test('every role signs in, sees its own navigation, and signs out', async () => {
  const expect = {
    admin: { import: true, users: true, label: '管理员' },
    supervisor: { import: true, users: false, label: '主管' },
    analyst: { import: false, users: false, label: '分析员' },
    h1: { import: false, users: false, label: '处理员' },
  };
  for (const [user, e] of Object.entries(expect)) {
    const page = await newPage();
    await page.goto(base + '/queue');
    assert.match(page.url(), /\/login\?next=%2Fqueue$/, 'unsigned visitors are sent to sign in');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', PASS[user]);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
    assert.match(page.url(), /\/queue$/, 'back to the page asked for');
    assert.match(await page.textContent('header .user'), new RegExp(e.label));
    assert.equal(await page.locator('a[data-nav=import]').count(), e.import ? 1 : 0, `${user} import link`);
    assert.equal(await page.locator('a[data-nav=users]').count(), e.users ? 1 : 0, `${user} users link`);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'tousu_session');
    assert.ok(session.httpOnly && session.secure && session.sameSite === 'Lax', 'session cookie flags');
    await signOut(page);
    await page.goto(base + '/');
    assert.match(page.url(), /\/login/, 'signed out means signed out');
    clean(page);
    await page.context().close();
  }
  // Wrong password.
  const page = await newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'wrong-password');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  assert.match(await page.textContent('.error'), /用户名或密码错误/);
  await page.context().close();
});

test('an admin imports a generated file and a faulty file through the page', async () => {
  const csv = join(dir, 'gen.csv');
  cli('gen', '--count', '300', '--seed', '11', '--out', csv);
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(base + '/import');
  await page.setInputFiles('input[name=file]', csv);
  await Promise.all([page.waitForNavigation(), page.click('#import-form button[type=submit]')]);
  assert.match(page.url(), /\/import\/jobs\//);
  await page.waitForSelector('#job[data-state=done]', { timeout: 60000 });
  assert.equal(await page.textContent('dd[data-k=read]'), '300');
  assert.equal(await page.textContent('dd[data-k=created]'), '300');
  assert.equal(await page.textContent('dd[data-k=rejected]'), '0');

  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '投诉编号,接收时间,投诉内容\nB-1,2026-02-30,日期不存在\nB-2,2026-03-01,好的一行\n');
  await page.goto(base + '/import');
  await page.setInputFiles('input[name=file]', bad);
  await Promise.all([page.waitForNavigation(), page.click('#import-form button[type=submit]')]);
  await page.waitForSelector('#job[data-state=done]', { timeout: 60000 });
  assert.equal(await page.textContent('dd[data-k=created]'), '1');
  assert.equal(await page.textContent('dd[data-k=rejected]'), '1');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#error-report')]);
  // (the import test signs in as admin; the configuration page is the admin's too)
  const report = readFileSync(await download.path(), 'utf8');
  assert.match(report, /,2,received_at,2026-02-30,no such day/);
  await page.goto(base + '/settings');
  assert.match(await page.textContent('#regimes'), /cn-order-2020-3/);
  assert.match(await page.textContent('#calendars'), /2025, 2026/);
  assert.match(await page.textContent('#transitions'), /结案/);
  clean(page);
  await page.context().close();
});

test('an analyst filters the queue, the filter lives in the URL, and a case opens', async () => {
  const page = await newPage();
  await signIn(page, 'analyst');
  await page.goto(base + '/queue');
  await page.selectOption('select[name=channel]', 'regulator_referral');
  await Promise.all([page.waitForNavigation(), page.click('#apply')]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('channel'), 'regulator_referral');
  assert.equal(url.searchParams.get('q'), null, 'empty filters are left out of the URL');
  const channels = await page.locator('table.rows tbody tr td:nth-child(3)').allTextContents();
  assert.ok(channels.length > 0, 'some referrals');
  assert.ok(channels.every((c) => c.includes('12378')), channels.join());
  // The same URL gives the same page (bookmarkable).
  const page2 = await newPage();
  await signIn(page2, 'analyst');
  await page2.goto(page.url());
  assert.equal(await page2.inputValue('select[name=channel]'), 'regulator_referral');
  await page2.context().close();
  await page.screenshot({ path: join(SHOTS, 'queue.png'), fullPage: false });
  const first = page.locator('a.case-link').first();
  const id = await first.textContent();
  await Promise.all([page.waitForNavigation(), first.click()]);
  assert.match(page.url(), new RegExp(`/cases/${id}$`));
  assert.match(await page.textContent('#complaint'), /监管转办/);
  await page.screenshot({ path: join(SHOTS, 'case.png'), fullPage: true });
  // Printing drops the navigation and forms and keeps the content.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').isVisible(), false);
  assert.equal(await page.locator('#complaint-text').isVisible(), true);
  await page.screenshot({ path: join(SHOTS, 'case-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  clean(page);
  await page.context().close();
});

test('complaint text is shown as text, never run', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(`${base}/cases/${xssId}`);
  const text = await page.textContent('#complaint-text');
  assert.ok(text.includes('<script>alert(1)</script>'), text);
  assert.ok(text.includes('<img src=x onerror=alert(2)>'), text);
  assert.equal(await page.locator('#complaint-text script, #complaint-text img').count(), 0);
  assert.equal(await page.locator('#complainant b').count(), 0, 'names are escaped too');
  assert.match(await page.textContent('#complainant'), /王<b>五<\/b>/);
  clean(page);
  await page.context().close();
});

test('a handler sees identifiers masked, unmasks one with a reason, and it is recorded', async () => {
  // An admin assigns the complaint to the handler on the case page.
  const admin = await newPage();
  await signIn(admin, 'admin');
  await admin.goto(`${base}/cases/${xssId}`);
  await admin.selectOption('#reassign select[name=assignee]', 'h1');
  await Promise.all([admin.waitForNavigation(), admin.click('#reassign button[type=submit]')]);
  assert.match(await admin.textContent('#complaint'), /h1/);
  assert.match(await admin.textContent('#history'), /assignee/);

  const page = await newPage();
  await signIn(page, 'h1');
  await page.goto(`${base}/cases/${xssId}`);
  assert.equal(await page.textContent('[data-field=resident_id]'), '1101**********002X');
  assert.equal(await page.textContent('[data-field=phone]'), '138****8000');
  const body = await page.textContent('#complaint-text');
  assert.ok(!body.includes('11010519491231002X') && body.includes('1101**********002X'), 'masked in the text too');
  assert.ok(!(await page.content()).includes('13800138000'), 'the full number is nowhere in the page');
  const form = page.locator('form.unmask:has(input[value=resident_id])');
  await form.locator('input[name=reason]').fill('客户来电核实身份');
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  assert.equal(await page.textContent('[data-field=resident_id]'), '11010519491231002X');
  assert.equal(await page.textContent('[data-field=phone]'), '138****8000', 'only the field asked for');
  assert.match(await page.textContent('#unmask-log'), /h1.*resident_id.*客户来电核实身份/s);
  // Without a fresh reason the value is masked again.
  await page.goto(`${base}/cases/${xssId}`);
  assert.equal(await page.textContent('[data-field=resident_id]'), '1101**********002X');
  // The supervisor (another role) sees it in full, and the log.
  await admin.goto(`${base}/cases/${xssId}`);
  assert.equal(await admin.textContent('[data-field=resident_id]'), '11010519491231002X');
  assert.match(await admin.textContent('#unmask-log'), /客户来电核实身份/);
  clean(page);
  clean(admin);
  await page.context().close();
  await admin.context().close();
});

test('the language switch is remembered for the user', async () => {
  const page = await newPage();
  await signIn(page, 'supervisor');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('a[data-nav=dashboard]'), '工作台');
  await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#lang-switch')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('a[data-nav=dashboard]'), 'Dashboard');
  await page.goto(base + '/queue');
  assert.equal(await page.textContent('h1'), 'Complaint queue');
  await page.screenshot({ path: join(SHOTS, 'queue-en.png') });
  await signOut(page);
  await signIn(page, 'supervisor');
  assert.equal(await page.textContent('a[data-nav=dashboard]'), 'Dashboard', 'remembered across sessions');
  await Promise.all([page.waitForNavigation(), page.click('#lang-switch')]);
  assert.equal(await page.textContent('a[data-nav=dashboard]'), '工作台');
  clean(page);
  await page.context().close();
});

test('the dashboard shows counts, charts and recent complaints; errors are friendly', async () => {
  const page = await newPage();
  await signIn(page, 'analyst');
  const open = (await page.textContent('#tile-open .v')).replace(/,/g, '');
  assert.ok(Number(open) >= 301, `open ${open}`);
  assert.equal(await page.locator('.charts svg.chart').count(), 7, 'six charts and the risk-grade mix');
  assert.ok((await page.locator('table.rows tbody tr').count()) >= 5);
  const r404 = await page.goto(base + '/no/such/page');
  assert.equal(r404.status(), 404);
  assert.match(await page.textContent('h1'), /页面不存在/);
  const r403 = await page.goto(base + '/users');
  assert.equal(r403.status(), 403);
  // A handler may not open a complaint outside their scope.
  const h = await newPage();
  await signIn(h, 'h1');
  const other = await h.goto(`${base}/cases/${xssId + 1}`);
  assert.equal(other.status(), 403);
  // Chromium reports the deliberate 404 and 403 documents as console errors; nothing else may.
  page.problems = page.problems.filter((p) => !/Failed to load resource: .* (404|403)/.test(p));
  h.problems = h.problems.filter((p) => !/Failed to load resource: .* 403/.test(p));
  clean(page);
  clean(h);
  await page.context().close();
  await h.context().close();
});

test('the case page shows the text analysis with its evidence highlighted', async () => {
  const id = await env.createComplaint({
    external_ref: 'TA-1', received_at: '2026-11-21T10:00:00', channel: 'hotline', category: '退保纠纷',
    text: '业务员销售误导，虚假宣传说随时可以全额退保。我母亲七十多岁了，再不解决就去监管局投诉，还要找媒体曝光！要求全额退保3.5万元。',
  });
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(`${base}/cases/${id}`);
  assert.ok((await page.locator('#complaint-text mark[data-kind=threat]').count()) >= 1, 'a threat is highlighted');
  assert.match(await page.textContent('#panel-analysis [data-a=threats]'), /向监管投诉/);
  assert.match(await page.textContent('#panel-analysis [data-a=threats]'), /媒体曝光/);
  assert.match(await page.textContent('#panel-analysis [data-a=total]'), /¥35,000\.00/);
  assert.match(await page.textContent('#panel-analysis [data-a=vulnerability]'), /老年人/);
  assert.match(await page.textContent('#panel-analysis [data-a=markers]'), /销售误导\+全额退保/);
  // The text itself is unchanged by the highlighting.
  assert.equal((await page.textContent('#complaint-text')).trim(), '业务员销售误导，虚假宣传说随时可以全额退保。我母亲七十多岁了，再不解决就去监管局投诉，还要找媒体曝光！要求全额退保3.5万元。');
  await page.screenshot({ path: join(SHOTS, 'case-analysis.png'), fullPage: false });
  clean(page);
  await page.context().close();
});
