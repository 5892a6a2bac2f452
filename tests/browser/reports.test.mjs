/*
 * The reports page in a real browser (Debian's chromium, headless, driven by
 * playwright-core) against the real daemon of run.py (GIDHD_URL). Tickets
 * of today are made through the API, the summaries brought up to date with
 * "gid-helpdesk report-refresh" (GIDHD_ADMIN_TOOL, GIDHD_CONF), then: a
 * référent and an agent have no "Rapports" entry and get 403 from the API;
 * an admin opens the page, sees both charts (screenshots of them saved in
 * GIDHD_SCREENSHOTS), the tables and the CSV links, changes the period, and
 * reads it in English; no dialog, no CSP violation, no script error, labels
 * and contrast as everywhere in the portal. Prints TAP, one line per case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.env.GIDHD_PLAYWRIGHT_DIR || path.dirname(new URL(import.meta.url).pathname), 'package.json'));
const { chromium } = require('playwright-core');

const BASE = process.env.GIDHD_URL || 'http://127.0.0.1:8080/';
const SHOTS = process.env.GIDHD_SCREENSHOTS || path.join(os.tmpdir(), 'gidhd-screenshots');
const CHROMIUM = process.env.GIDHD_CHROMIUM || '/usr/bin/chromium';
const ADMIN_TOOL = process.env.GIDHD_ADMIN_TOOL || '';
const CONF = process.env.GIDHD_CONF || '';
const PASSWORD = 'Demo2026!';
const REFERENT = 'k.ouazzani';
const AGENT = 'agent.kettani';
const ADMIN = 'admin.benzaari';
const RUN = `rep${Date.now().toString(36)}`;

fs.mkdirSync(SHOTS, { recursive: true });

let count = 0;
const events = { dialogs: [], csp: [], pageErrors: [] };
let browser = null;

function diag(text) {
	for (const line of String(text).split('\n'))
		process.stdout.write(`# ${line}\n`);
}

async function test(name, fn) {
	count += 1;
	const n = count;
	const t0 = Date.now();
	try {
		await fn();
		process.stdout.write(`ok ${n} - reports: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
	} catch (e) {
		process.stdout.write(`not ok ${n} - reports: ${name}\n`);
		diag(e && e.stack ? e.stack : String(e));
		if (browser && browser.page) {
			await browser.page.screenshot({ path: path.join(SHOTS, `failed-reports-${n}.png`), fullPage: true })
			    .catch(() => {});
			diag(`the page was at ${browser.page.url()}; screenshot failed-reports-${n}.png`);
		}
	}
}

function assert(cond, msg) {
	if (!cond)
		throw new Error(`assertion failed: ${msg}`);
}

function assertEq(a, b, msg) {
	if (a !== b)
		throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

/* ---------------------------------------------------------------- the API */

/* A logged-in API client (cookie and CSRF token), without a browser. */
async function client(login) {
	const r = await fetch(new URL('api/v1/session', BASE), {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login, password: PASSWORD })
	});
	assertEq(r.status, 200, `login ${login}`);
	const cookie = r.headers.get('set-cookie').split(';')[0];
	const { csrf_token: csrf } = await r.json();
	return async (method, p, body) => {
		const res = await fetch(new URL(`api/v1${p}`, BASE), {
			method,
			headers: { Cookie: cookie, 'X-CSRF-Token': csrf,
				...(body ? { 'Content-Type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined
		});
		const text = await res.text();
		return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers };
	};
}

function refreshSummaries() {
	assert(ADMIN_TOOL && CONF, 'run.py gives GIDHD_ADMIN_TOOL and GIDHD_CONF');
	const out = execFileSync(ADMIN_TOOL, ['-c', CONF, 'report-refresh'], { encoding: 'utf8', timeout: 120000 });
	assert(out.includes('recomputed'), `report-refresh said: ${out}`);
}

/* ---------------------------------------------------------------- browser */

async function openBrowser() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gidhd-chromium-reports-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM, headless: true,
		viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Africa/Casablanca',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	context.setDefaultTimeout(20000);
	const page = context.pages()[0] || await context.newPage();
	page.on('dialog', (d) => {
		events.dialogs.push(`${d.type()} ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text()))
			events.csp.push(m.text());
	});
	page.on('pageerror', (e) => events.pageErrors.push(e.message));
	browser = { context, page, dir };
	return page;
}

async function settled(page) {
	await page.waitForFunction(() => !document.querySelector('main[aria-busy]') &&
	    !document.getElementById('boot-loading'));
}

async function login(page, user) {
	await page.waitForSelector('#login-form');
	await page.fill('#login-login', user);
	await page.fill('#login-password', PASSWORD);
	await page.click('#login-submit');
	await page.waitForSelector('#whoami');
	await settled(page);
}

async function logout(page) {
	await page.click('#logout');
	await page.waitForSelector('#login-form');
}

async function goto(page, hash) {
	await page.evaluate((h) => new Promise((resolve) => {
		if (location.hash === h) {
			resolve();
			return;
		}
		window.addEventListener('hashchange', () => setTimeout(resolve, 0), { once: true });
		location.hash = h;
	}), hash);
	await settled(page);
}

/* Labels on every field, and WCAG AA contrast of every visible text (HTML and SVG). */
async function audit(page) {
	return page.evaluate(() => {
		const out = [];
		const parse = (c) => {
			const m = c && c.match(/rgba?\(([^)]+)\)/);
			if (!m)
				return null;
			const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
			return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
		};
		const lum = (c) => {
			const f = (v) => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			};
			return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
		};
		const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
		const background = (el) => {
			for (let e = el; e; e = e.parentElement) {
				const c = parse(getComputedStyle(e).backgroundColor);
				if (c && c.a >= 1)
					return c;
			}
			return { r: 255, g: 255, b: 255, a: 1 };
		};
		for (const el of document.querySelectorAll('main input, main select, main textarea')) {
			if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
				out.push(`field without a label: ${el.outerHTML.slice(0, 100)}`);
		}
		for (const el of document.querySelectorAll('main *')) {
			const text = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).length;
			if (!text || el.closest('.visually-hidden') || el.closest('title') || el.closest('desc') ||
			    el.closest('option') || el.closest('details:not([open]) > :not(summary)'))
				continue;
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0)
				continue;
			const cs = getComputedStyle(el);
			const svg = el instanceof SVGElement;
			const fg = parse(svg ? cs.fill : cs.color);
			let bg = background(svg ? el.ownerSVGElement : el);
			/* Text drawn on a bar segment: that segment is its background. */
			if (svg && el.classList.contains('part-value')) {
				const rect = el.previousElementSibling;
				bg = parse(getComputedStyle(rect).fill) || bg;
			}
			if (!fg)
				continue;
			const need = parseFloat(cs.fontSize) >= 24 ? 3 : 4.5;
			const got = ratio(fg, bg);
			if (got < need)
				out.push(`contrast ${got.toFixed(2)} < ${need} for "${el.textContent.trim().slice(0, 30)}"`);
		}
		return out;
	});
}

/* ---------------------------------------------------------------- cases */

let created = 0;

async function run() {
	await test('tickets of today through the API, the summaries refreshed', async () => {
		const ref = await client(REFERENT);
		const agent = await client(AGENT);
		const numbers = [];
		for (const [queue, priority] of [['connexion', 4], ['credits', 3], ['connexion', 2]]) {
			const r = await ref('POST', '/tickets', { title: `Rapport ${RUN}`, queue, priority,
				body: 'Le tableau de bord ne se charge plus.' });
			assertEq(r.status, 201, 'ticket created');
			numbers.push(r.body.ticket.number);
			created += 1;
		}
		const r = await agent('PATCH', `/tickets/${numbers[0]}`, { state: 'closed successful' });
		assertEq(r.status, 200, 'closed by the agent');
		const a = await agent('POST', `/tickets/${numbers[1]}/articles`, { body: 'Nous regardons.' });
		assertEq(a.status, 201, 'answered');
		refreshSummaries();
	});

	const page = await openBrowser();

	await test('a référent and an agent: no Rapports entry, 403 from the API', async () => {
		await page.goto(BASE);
		for (const user of [REFERENT, AGENT]) {
			await login(page, user);
			const nav = await page.textContent('nav.main-nav');
			assert(!nav.includes('Rapports'), `${user}: no Rapports entry (${nav})`);
			const statuses = await page.evaluate(async () => Promise.all(
			    ['/api/v1/reports', '/api/v1/reports/backlog', '/api/v1/reports/agents?format=csv']
				.map(async (u) => (await fetch(u)).status)));
			assertEq(statuses.join(','), '403,403,403', `${user}: the API refuses`);
			await goto(page, '#/reports');
			assertEq((await page.textContent('main h1')).trim(), 'Page introuvable', `${user}: not their page`);
			await logout(page);
		}
	});

	await test('an admin opens the page from the menu: two charts, the tables, CSV links', async () => {
		await login(page, ADMIN);
		await page.click('nav.main-nav a[href="#/reports"]');
		await page.waitForSelector('#report-activity svg.chart polyline');
		await settled(page);
		assertEq((await page.textContent('main h1')).trim(), 'Rapports', 'heading');
		// Created and closed: two series, a point per day of the 30 days.
		assertEq(await page.$$eval('#report-activity svg.chart .series', (s) => s.length), 2, 'two series');
		assertEq(await page.$$eval('#report-activity .series-created circle', (c) => c.length), 30, 'a point per day');
		const totals = await page.textContent('#activity-totals');
		const made = Number((totals.match(/(\d[\d\s\u202f]*) créés/) || [])[1].replace(/\D/g, ''));
		assert(made >= created, `at least our ${created} tickets: ${totals}`);
		// The backlog: one bar per axis with open tickets, connexion among them.
		const bars = await page.$$eval('#report-backlog svg.chart .bar-row', (r) => r.length);
		assert(bars >= 2, `backlog bars: ${bars}`);
		assert((await page.textContent('#report-backlog svg.chart')).includes('Problèmes de connexion'), 'connexion bar');
		for (const id of ['backlog', 'response', 'resolution', 'organisations', 'agents']) {
			assert(await page.$(`#report-${id} table, #report-${id} .empty`), `${id}: a table or "nothing"`);
		}
		const agents = await page.textContent('#table-agents');
		assert(agents.includes('Agent') || agents.length > 0, 'agents table');
		// Every section has its CSV, for the same period.
		const links = await page.$$eval('a.csv-link', (as) => as.map((a) => a.getAttribute('href')));
		assertEq(links.length, 8, 'a CSV per section');
		assert(links.every((l) => /^\/api\/v1\/reports\/[a-z_]+\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&format=csv$/.test(l)),
		    `links: ${links.join(' ')}`);
		const csv = await page.evaluate(async (u) => {
			const r = await fetch(u);
			const b = new Uint8Array(await r.arrayBuffer());
			return { status: r.status, type: r.headers.get('content-type'),
				disp: r.headers.get('content-disposition'), bom: [...b.slice(0, 3)].join(','),
				head: new TextDecoder().decode(b).split('\r\n')[0] };
		}, links[0]);
		assertEq(csv.status, 200, 'CSV status');
		assert(csv.type.startsWith('text/csv'), `CSV type ${csv.type}`);
		assert(/^attachment; filename="gid-helpdesk-activity_daily-[0-9-]+\.csv"$/.test(csv.disp), `disposition ${csv.disp}`);
		assertEq(csv.bom, '239,187,191', 'UTF-8 byte order mark');
		assert(csv.head.endsWith('day,queue,queue_name,priority,priority_name,created,closed,closed_unsuccessful,reopened'),
		    `header ${csv.head}`);
		await page.screenshot({ path: path.join(SHOTS, '19-reports.png'), fullPage: true });
		const chart = await page.$('#report-activity .chart-box');
		await chart.screenshot({ path: path.join(SHOTS, '19-reports-created-closed.png') });
		await (await page.$('#report-backlog .chart-box')).screenshot({ path: path.join(SHOTS, '19-reports-backlog.png') });
		const problems = await audit(page);
		assertEq(problems.length, 0, problems.slice(0, 5).join('; '));
	});

	await test('the period: a wrong order is refused in the form; presets and the hash change the page', async () => {
		await page.fill('#period-from', '2026-02-10');
		await page.fill('#period-to', '2026-02-01');
		await page.click('#period-apply');
		await page.waitForSelector('#period-errors .field-error');
		assertEq(await page.getAttribute('#period-to', 'aria-invalid'), 'true', 'the end is marked');
		await page.click('#preset-7');
		await page.waitForFunction(() => document.querySelectorAll('#report-activity .series-created circle').length === 7);
		await settled(page);
		assert(/from=\d{4}-\d\d-\d\d&to=/.test(page.url()), `hash ${page.url()}`);
		await goto(page, '#/reports?from=2025-01-01&to=2025-12-31&queue=connexion');
		await page.waitForFunction(() => document.querySelectorAll('#report-activity .series-created circle').length > 40);
		assertEq(await page.inputValue('#period-queue'), 'connexion', 'the axis kept');
		assert((await page.textContent('#period-now')).includes('Problèmes de connexion'), 'the axis shown');
		assertEq(await page.inputValue('#report-by'), '', 'grouping chosen by the period (weeks)');
		await page.selectOption('#report-by', 'month');
		await page.waitForFunction(() => document.querySelectorAll('#report-activity .series-created circle').length === 12);
		const href = await page.getAttribute('#csv-activity', 'href');
		assert(href.startsWith('/api/v1/reports/activity_monthly?from=2025-01-01&to=2025-12-31&format=csv&queue=connexion'),
		    `monthly CSV ${href}`);
	});

	await test('in English: the headings and units follow the language', async () => {
		await goto(page, '#/reports');
		await page.click('#lang-switch');
		await page.waitForFunction(() => document.querySelector('main h1').textContent.trim() === 'Reports');
		await settled(page);
		assert((await page.textContent('#report-backlog h2')).includes('Open tickets by age'), 'backlog heading');
		assert((await page.textContent('#report-activity')).includes('Created'), 'legend in English');
		await page.screenshot({ path: path.join(SHOTS, '20-reports-en.png'), fullPage: true });
		await page.click('#lang-switch');
		await page.waitForFunction(() => document.querySelector('main h1').textContent.trim() === 'Rapports');
	});

	await test('a phone (390 px): no sideways scrolling of the page', async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		await goto(page, '#/reports');
		await settled(page);
		const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		assert(sw <= w, `page ${sw} px wide in a ${w} px window`);
		await page.screenshot({ path: path.join(SHOTS, '21-reports-phone.png'), fullPage: false });
		await page.setViewportSize({ width: 1280, height: 800 });
	});

	await test('no dialog, no Content-Security-Policy violation, no script error', async () => {
		assertEq(events.dialogs.length, 0, `dialogs: ${events.dialogs.slice(0, 3)}`);
		assertEq(events.csp.length, 0, `CSP: ${events.csp.slice(0, 3)}`);
		assertEq(events.pageErrors.length, 0, `errors: ${events.pageErrors.slice(0, 3)}`);
	});
}

try {
	await run();
} catch (e) {
	count += 1;
	process.stdout.write(`not ok ${count} - reports: the test run itself\n`);
	diag(e && e.stack ? e.stack : String(e));
} finally {
	if (browser) {
		await browser.context.close().catch(() => {});
		fs.rmSync(browser.dir, { recursive: true, force: true });
	}
}
process.stdout.write(`1..${count}\n`);
process.exit(0);
