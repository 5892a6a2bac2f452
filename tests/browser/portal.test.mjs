/*
 * End-to-end tests of the portal in a real browser: Debian's chromium,
 * headless, driven by playwright-core, against the real daemon + slapd +
 * MariaDB started by run.py (GIDHD_URL). Prints TAP, one line per case.
 *
 * The scenario of the issue, in order: a référent logs in, creates a ticket
 * with an attachment, sees it in "Mes tickets"; an agent logs in, finds it in
 * the queue, takes it, writes an internal note and a reply, closes it; the
 * référent sees the reply and not the note, sees the ticket disappear when
 * hiding closed tickets and come back when showing them, adds information
 * (which reopens it) and prints it. Plus: a hostile title shown as text with
 * no dialog (T41), the portal refused inside a frame of another origin
 * (T46), the login errors, the language switch, session expiry, tokens,
 * the admins' reports entry, phone width, labels and contrast on every page.
 * Every page gets a screenshot in GIDHD_SCREENSHOTS.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.env.GIDHD_PLAYWRIGHT_DIR || path.dirname(new URL(import.meta.url).pathname), 'package.json'));
const { chromium } = require('playwright-core');

const BASE = process.env.GIDHD_URL || 'http://127.0.0.1:8080/';
const SHOTS = process.env.GIDHD_SCREENSHOTS || path.join(os.tmpdir(), 'gidhd-screenshots');
const CHROMIUM = process.env.GIDHD_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'Demo2026!';
const REFERENT = { login: 'y.elidrissi', org: 'TP Rabat' };
const AGENT = { login: 'agent.naciri' };
const ADMIN = { login: 'admin.benzaari' };
const RUN = `e2e${Date.now().toString(36)}`;
const XSS_TITLE = `<img src=x onerror=alert(1)> ${RUN}`;
const NOTE_TEXT = `Note interne ${RUN} : ne pas montrer au référent.`;
const REPLY_TEXT = `Réponse ${RUN} : le bordereau est débloqué, vous pouvez relancer.`;
const MAX_UPLOAD = 10 * 1024 * 1024;

fs.mkdirSync(SHOTS, { recursive: true });

/* ---------------------------------------------------------------- TAP */

let count = 0;
let failures = 0;
let chainBroken = null;

function diag(text) {
	for (const line of String(text).split('\n'))
		process.stdout.write(`# ${line}\n`);
}

/*
 * Run one case. Cases of the scenario depend on the ones before: after a
 * failure they are reported as failed without running (independent cases
 * still run).
 */
async function test(name, fn, opts = {}) {
	count += 1;
	const n = count;
	if (chainBroken && !opts.independent) {
		failures += 1;
		process.stdout.write(`not ok ${n} - portal: ${name} (not run: "${chainBroken}" failed)\n`);
		return;
	}
	const t0 = Date.now();
	try {
		await fn();
		process.stdout.write(`ok ${n} - portal: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
	} catch (e) {
		failures += 1;
		process.stdout.write(`not ok ${n} - portal: ${name}\n`);
		diag(e && e.stack ? e.stack : String(e));
		for (const [who, b] of Object.entries(browsers)) {
			if (b && b.page) {
				await b.page.screenshot({ path: path.join(SHOTS, `failed-${n}-${who}.png`), fullPage: true })
				    .catch(() => {});
				diag(`${who} was at ${b.page.url()}; screenshot failed-${n}-${who}.png`);
			}
		}
		if (!opts.independent)
			chainBroken = name;
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

/* ---------------------------------------------------------------- browsers */

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browsers = {};
const events = { dialogs: [], csp: [], pageErrors: [] };
const audits = [];

/* A browser of its own (fresh profile) for one person. */
async function openBrowser(who) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gidhd-chromium-${who}-`));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM, headless: true,
		viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Africa/Casablanca',
		acceptDownloads: false,
		args: ARGS,
	});
	context.setDefaultTimeout(20000);
	const page = context.pages()[0] || await context.newPage();
	page.on('dialog', (d) => {
		events.dialogs.push(`${who}: ${d.type()} ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on('console', (m) => {
		const text = m.text();
		if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(text))
			events.csp.push(`${who}: ${text}`);
	});
	page.on('pageerror', (e) => events.pageErrors.push(`${who}: ${e.message}`));
	browsers[who] = { context, page, dir };
	return browsers[who];
}

async function closeBrowsers() {
	for (const b of Object.values(browsers)) {
		await b.context.close().catch(() => {});
		fs.rmSync(b.dir, { recursive: true, force: true });
	}
}

async function shot(page, name, fullPage = true) {
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/* Wait until the portal has drawn a page and nothing is loading. */
async function settled(page) {
	await page.waitForFunction(() => !document.querySelector('main[aria-busy]') &&
	    !document.getElementById('boot-loading'));
}

/* Go to a hash and wait until the portal has drawn that page. */
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

/* Wait until the page's main heading reads text. */
async function heading(page, text) {
	await page.waitForFunction((t) => {
		const h1 = document.querySelector('main h1');
		return h1 && h1.textContent.trim() === t;
	}, text);
	await settled(page);
}

async function login(page, user, opts = {}) {
	await page.waitForSelector('#login-form');
	await page.fill('#login-login', user);
	await page.fill('#login-password', opts.password || PASSWORD);
	await page.click('#login-submit');
	if (opts.expectError)
		return;
	await page.waitForSelector('#whoami');
	await settled(page);
}

async function logout(page) {
	await page.click('#logout');
	await page.waitForSelector('#login-form');
}

/* The text of the page's main area (what a person reads). */
async function mainText(page) {
	return page.evaluate(() => document.getElementById('main').innerText);
}

/*
 * Accessibility audit of the page as drawn: every field has a label, and
 * every piece of visible text meets WCAG 2.1 AA contrast against its
 * background (4.5:1, 3:1 for large text).
 */
async function audit(page, name) {
	const problems = await page.evaluate(() => {
		const out = [];
		const parse = (c) => {
			const m = c.match(/rgba?\(([^)]+)\)/);
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
		const blend = (top, bottom) => ({
			r: top.r * top.a + bottom.r * (1 - top.a),
			g: top.g * top.a + bottom.g * (1 - top.a),
			b: top.b * top.a + bottom.b * (1 - top.a), a: 1
		});
		const background = (el) => {
			const layers = [];
			for (let e = el; e; e = e.parentElement) {
				const c = parse(getComputedStyle(e).backgroundColor);
				if (c && c.a > 0) {
					layers.push(c);
					if (c.a >= 1)
						break;
				}
			}
			let bg = { r: 255, g: 255, b: 255, a: 1 };
			for (const c of layers.reverse())
				bg = blend(c, bg);
			return bg;
		};
		for (const el of document.querySelectorAll('input, select, textarea')) {
			if (el.type === 'hidden')
				continue;
			const labelled = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
			    el.getAttribute('aria-labelledby');
			if (!labelled)
				out.push(`field without a label: ${el.outerHTML.slice(0, 120)}`);
		}
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		const seen = new Set();
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const el = n.parentElement;
			if (!n.textContent.trim() || !el || seen.has(el))
				continue;
			seen.add(el);
			const r = el.getBoundingClientRect();
			const cs = getComputedStyle(el);
			if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || el.closest('[hidden]') ||
			    el.closest('.visually-hidden') || el.closest('option'))
				continue;
			const fg0 = parse(cs.color);
			if (!fg0)
				continue;
			const bg = background(el);
			const fg = blend(fg0, bg);
			const l1 = lum(fg), l2 = lum(bg);
			const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
			const size = parseFloat(cs.fontSize);
			const bold = Number(cs.fontWeight) >= 700;
			const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
			if (ratio < need) {
				out.push(`contrast ${ratio.toFixed(2)} < ${need} for "${n.textContent.trim().slice(0, 40)}" ` +
				    `(${cs.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)}))`);
			}
		}
		return out;
	});
	audits.push({ name, problems });
}

/* ---------------------------------------------------------------- helpers */

async function ticketStateType(page) {
	return page.evaluate(() => {
		const b = document.querySelector('#ticket-facts .badge[class*="state-"]');
		return b ? [...b.classList].find((c) => c.startsWith('state-')).slice(6) : null;
	});
}

/* Change the ticket behind the page's back, through the API, as this session. */
async function patchBehind(page, number, changes) {
	return page.evaluate(async ([n, body]) => {
		const me = await (await fetch('/api/v1/me')).json();
		const t = await (await fetch(`/api/v1/tickets/${n}`)).json();
		const r = await fetch(`/api/v1/tickets/${n}`, {
			method: 'PATCH',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token,
				'If-Match': `"${t.ticket.version}"` },
			body: JSON.stringify(body)
		});
		return r.status;
	}, [number, changes]);
}

/* ---------------------------------------------------------------- the cases */

let number = null;	/* the scenario's ticket */
let xssNumber = null;
let queueCode = 'reglement';

async function run() {
	const ref = await openBrowser('referent');
	const rp = ref.page;

	await test('the login page is in French by default, with labelled fields', async () => {
		await rp.goto(BASE);
		await rp.waitForSelector('#login-form');
		assertEq(await rp.getAttribute('html', 'lang'), 'fr', 'html lang');
		assertEq((await rp.textContent('h1')).trim(), 'Connexion', 'heading');
		assertEq(await rp.evaluate(() => document.activeElement.id), 'login-login', 'focus on the login field');
		assertEq(await rp.textContent('label[for=login-login]'), 'Identifiant', 'login label');
		assertEq(await rp.textContent('label[for=login-password]'), 'Mot de passe', 'password label');
		await shot(rp, '01-login');
		await audit(rp, 'login');
	}, { independent: true });

	await test('login errors: a wrong password says "identifiant ou mot de passe incorrect"', async () => {
		await login(rp, REFERENT.login, { password: 'not-the-password', expectError: true });
		await rp.waitForSelector('#login-status .message.error');
		const msg = await rp.textContent('#login-status');
		assert(msg.includes('Identifiant ou mot de passe incorrect'), `message: ${msg}`);
		assertEq(await rp.inputValue('#login-password'), '', 'password field emptied');
		assertEq(await rp.evaluate(() => document.activeElement.id), 'login-password', 'focus back on the password');
		await shot(rp, '02-login-error');
	}, { independent: true });

	await test('login errors: too many attempts (the sixth wrong password in a row) gives its message', async () => {
		const who = `portal.${RUN}`;
		let last = '';
		for (let i = 0; i < 8 && !last.includes('Trop de tentatives'); i++) {
			await login(rp, who, { password: `wrong-${i}`, expectError: true });
			await rp.waitForSelector('#login-submit:not([disabled])');
			last = await rp.textContent('#login-status');
		}
		assert(/Trop de tentatives de connexion\. Réessayez dans \d+ minutes?\./.test(last), `message: ${last}`);
	}, { independent: true });

	await test('login errors: a person of the directory in none of the groups is told they have no access', async () => {
		const user = process.env.GIDHD_NO_ACCESS_LOGIN;
		if (user) {
			await login(rp, user, { expectError: true });
		} else {
			/* No such person in this directory: the server's reply is simulated. */
			diag('no person without groups in the test directory: 403 no_access simulated in the browser');
			await rp.route('**/api/v1/session', (route) => route.fulfill({
				status: 403, headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ error: { code: 'no_access', message: 'no access' } })
			}));
			await login(rp, REFERENT.login, { expectError: true });
		}
		await rp.waitForSelector('#login-submit:not([disabled])');
		const msg = await rp.textContent('#login-status');
		await rp.unroute('**/api/v1/session');
		assert(msg.includes("n'a pas accès au centre d'assistance"), `message: ${msg}`);
	}, { independent: true });

	await test('login errors: the directory unreachable gives "l\'annuaire ne répond pas"', async () => {
		const url = process.env.GIDHD_URL_NO_DIRECTORY;
		assert(url, 'run.py gives a daemon without directory');
		const page = await browsers.referent.context.newPage();
		try {
			await page.goto(url);
			await login(page, REFERENT.login, { expectError: true });
			await page.waitForSelector('#login-status .message.error', { timeout: 30000 });
			const msg = await page.textContent('#login-status');
			assert(msg.includes("L'annuaire ne répond pas"), `message: ${msg}`);
			await shot(page, '02b-login-directory-unavailable', false);
		} finally {
			await page.close();
		}
	}, { independent: true });

	await test('a référent logs in with the keyboard; the header says who (name, office, role)', async () => {
		await rp.goto(BASE);
		await rp.waitForSelector('#login-form');
		await rp.keyboard.type(REFERENT.login);
		await rp.keyboard.press('Tab');
		await rp.keyboard.type(PASSWORD);
		await rp.keyboard.press('Enter');
		await rp.waitForSelector('#whoami');
		await settled(rp);
		if (await rp.getAttribute('html', 'lang') !== 'fr') {
			/* An earlier run that stopped half-way left this user in English. */
			await rp.click('#lang-switch');
			await heading(rp, 'Mes tickets');
		}
		const who = await rp.textContent('#whoami');
		assert(who.includes(REFERENT.org), `office in the header: ${who}`);
		assert(who.includes('Référent GID'), `role in the header: ${who}`);
		assert(rp.url().endsWith('#/tickets'), `lands on Mes tickets: ${rp.url()}`);
		assertEq((await rp.textContent('h1')).trim(), 'Mes tickets', 'heading');
		const nav = await rp.textContent('nav.main-nav');
		assert(!nav.includes('Rapports'), 'no Rapports entry for a référent');
		assert(!nav.includes("Files d'attente"), 'no queues for a référent');
	});

	await test('Nouveau ticket: the seven axes explained, the priority hint, a file over 10 MiB refused before upload', async () => {
		await rp.click('nav.main-nav a[href="#/new"]');
		await rp.waitForSelector('#new-form');
		/* The seven axes of the guide (admins may have added others since). */
		const axes = await rp.$$eval('#new-queue .choice-list li', (lis) => lis.map((li) => ({
			code: li.querySelector('input').value,
			name: li.querySelector('.choice-name').textContent,
			desc: li.querySelector('.choice-desc').textContent
		})));
		const seven = ['depense', 'credits', 'utilisateurs', 'connexion', 'reglement', 'referentiel', 'autres'];
		for (const code of seven) {
			const a = axes.find((x) => x.code === code);
			assert(a, `axis ${code} offered: ${axes.map((x) => x.code)}`);
			assert(a.desc.length > 10, `axis ${a.name} has an explanation`);
		}
		assertEq(axes.find((a) => a.code === 'depense').name, 'Gestion de la dépense', 'the axis name');
		assertEq(axes.find((a) => a.code === 'autres').name, 'Autres', 'the last axis');
		const hint = await rp.textContent('#new-priority-hint');
		assert(/gravité/.test(hint) && /urgence/.test(hint), `priority hint: ${hint}`);
		assertEq(await rp.inputValue('#new-priority'), '3', 'normal priority by default');
		const uploads = [];
		rp.on('request', (r) => {
			if (r.url().includes('/api/v1/uploads'))
				uploads.push(r.url());
		});
		await rp.setInputFiles('#new-form input[type=file]', [
			{ name: 'trop-gros.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_UPLOAD + 1, 1) },
		]);
		await rp.waitForSelector('#new-form .file-errors .message.error');
		const err = await rp.textContent('#new-form .file-errors');
		assert(err.includes('trop-gros.bin') && err.includes('10 Mo'), `size error: ${err}`);
		assertEq(await rp.$$eval('#new-form .file-list .file-name', (e) => e.length), 0, 'big file not kept');
		await rp.setInputFiles('#new-form input[type=file]', [
			{ name: 'capture écran.txt', mimeType: 'text/plain', buffer: Buffer.from(`Journal ${RUN}\nErreur 42\n`) },
			{ name: 'bordereau.csv', mimeType: 'text/csv', buffer: Buffer.alloc(2048, 65) },
		]);
		const files = await rp.$$eval('#new-form .file-list li:not(.file-total)', (lis) => lis.map((li) => li.textContent));
		assertEq(files.length, 2, 'two files listed');
		assert(files[1].includes('2 Ko'), `size shown: ${files[1]}`);
		/* Remove one again: only the first goes up. */
		await rp.click('#new-form .file-list li:nth-child(2) button');
		assertEq(await rp.$$eval('#new-form .file-list .file-name', (e) => e.length), 1, 'one file left');
		/* Submitting empty fields shows the errors, nothing is sent. */
		await rp.click('#new-submit');
		await rp.waitForSelector('#new-title-error:not([hidden])');
		assertEq(await rp.getAttribute('#new-title', 'aria-invalid'), 'true', 'title flagged');
		assertEq(uploads.length, 0, 'nothing uploaded yet');
		rp.removeAllListeners('request');
	});

	await test('a référent creates a ticket with an attachment and lands on it', async () => {
		await rp.check(`#queue-${queueCode}`);
		await rp.selectOption('#new-priority', '4');
		await rp.fill('#new-title', `Bordereau rejeté à la validation ${RUN}`);
		await rp.fill('#new-body', `Bonjour,\nLe bordereau 2026/118 est rejeté à la validation.\nMessage : « montant incohérent ».\nMerci.\n${RUN}`);
		await rp.fill('#new-requester', 'SEGMA Imprimerie officielle');
		assertEq(await rp.$$eval('#new-form .field-error:not([hidden])', (e) => e.length), 0,
		    'the errors went away as the fields were filled in');
		await shot(rp, '03-new-ticket');
		await audit(rp, 'new ticket');
		await rp.click('#new-submit');
		await rp.waitForFunction(() => /^#\/tickets\/\d+$/.test(location.hash));
		await rp.waitForSelector('#ticket-view');
		await settled(rp);
		number = await rp.getAttribute('#ticket-view', 'data-number');
		assert(/^\d{16}$/.test(number), `ticket number ${number}`);
		assertEq((await rp.textContent('#ticket-title')).trim(), `Bordereau rejeté à la validation ${RUN}`, 'title');
		const facts = await rp.textContent('#ticket-facts');
		assert(facts.includes('Haute'), `priority: ${facts}`);
		assert(facts.includes('Règlement'), `axis: ${facts}`);
		assert(facts.includes('SEGMA Imprimerie officielle'), `requester: ${facts}`);
		const att = await rp.$$eval('.article .attachment-link', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
		assertEq(att.length, 1, 'one attachment on the initial message');
		assertEq(att[0][0], 'capture écran.txt', 'attachment name');
		const bytes = await rp.evaluate(async (href) => (await fetch(href)).text(), att[0][1]);
		assert(bytes.includes(`Journal ${RUN}`), 'the attachment downloads with its bytes');
		await shot(rp, '04-ticket-referent');
		await audit(rp, 'ticket (référent)');
	});

	await test('the new ticket is in Mes tickets, found by the search box, with the counts', async () => {
		await rp.click('nav.main-nav a[href="#/tickets"]');
		await rp.waitForSelector('#ticket-counts');
		const counts = await rp.textContent('#ticket-counts');
		assert(/\d+ tickets? ouverts?/.test(counts) && /clôturés?/.test(counts), `counts: ${counts}`);
		await rp.fill('#tickets-q', RUN);
		await rp.press('#tickets-q', 'Enter');
		await rp.waitForSelector(`tr[data-number="${number}"]`);
		const heads = await rp.$$eval('table.tickets thead th', (th) => th.map((x) => x.textContent.replace(/[▲▼⇅]/g, '').trim()));
		assertEq(heads.join('|'), 'Numéro|Titre|Axe|Priorité|État|Dernière modification', 'columns');
		const row = await rp.textContent(`tr[data-number="${number}"]`);
		assert(row.includes('Règlement') && row.includes('Haute') && row.includes('Nouveau'), `row: ${row}`);
		/* Sorting by title keeps it there and marks the column. */
		await rp.click('#sort-title');
		await rp.waitForSelector('th[aria-sort="ascending"] #sort-title');
		assert(rp.url().includes('sort=title'), 'sort in the hash');
		assertEq(await rp.evaluate(() => document.activeElement.id), 'sort-title', 'focus stays on the sort button');
		await goto(rp, '#/tickets');
		await shot(rp, '05-mes-tickets');
		await audit(rp, 'Mes tickets');
	});

	await test('T41: a title of <img src=x onerror=alert(1)> is shown as text and no dialog opens', async () => {
		await goto(rp, '#/new');
		await rp.check('#queue-autres');
		await rp.fill('#new-title', XSS_TITLE);
		await rp.fill('#new-body', `<script>alert(2)</script>\n"><svg onload=alert(3)>\n${RUN}`);
		await rp.click('#new-submit');
		await rp.waitForSelector('#ticket-view');
		await settled(rp);
		xssNumber = await rp.getAttribute('#ticket-view', 'data-number');
		assertEq(await rp.textContent('#ticket-title'), XSS_TITLE, 'title shown literally');
		assert((await mainText(rp)).includes('<script>alert(2)</script>'), 'body shown literally');
		assertEq(await rp.$$eval('main img, main script, main svg', (e) => e.length), 0, 'no element made from the data');
		await goto(rp, `#/tickets?q=${RUN}`);
		await rp.waitForSelector(`tr[data-number="${xssNumber}"]`);
		assertEq(await rp.textContent(`tr[data-number="${xssNumber}"] .ticket-title`), XSS_TITLE, 'title in the list');
		assertEq(await rp.$$eval('main img', (e) => e.length), 0, 'no img in the list');
		await rp.waitForTimeout(300);
		assertEq(events.dialogs.length, 0, `dialogs: ${events.dialogs.join('; ')}`);
	}, { independent: true });

	/* ------------------------------------------------ the agent */
	const agent = await openBrowser('agent');
	const ap = agent.page;

	await test('an agent logs in and sees the queues with counts per axis and state', async () => {
		await ap.goto(BASE);
		await login(ap, AGENT.login);
		assert(ap.url().endsWith('#/queues'), `agents land on the queues: ${ap.url()}`);
		await ap.waitForSelector('#queues-table');
		const rows = await ap.$$eval('#queues-table tbody tr', (trs) => trs.length);
		assert(rows >= 7, `seven axes: ${rows}`);
		const heads = await ap.$$eval('#queues-table thead th', (th) => th.map((x) => x.textContent));
		assertEq(heads.join('|'), 'Axe|Nouveaux|Ouverts|En attente|Clôturés', 'state columns');
		const n = Number(await ap.textContent(`tr[data-queue="${queueCode}"] td.count-new`));
		assert(n >= 1, `at least our new ticket in ${queueCode}: ${n}`);
		const who = await ap.textContent('#whoami');
		assert(who.includes("Agent du centre d'assistance"), `role: ${who}`);
		await shot(ap, '06-queues');
		await audit(ap, 'queues');
	});

	await test('the agent finds the ticket in its queue (owner: nobody, newest first)', async () => {
		await ap.click(`tr[data-queue="${queueCode}"] .queue-link`);
		await ap.waitForSelector('#queue-filters');
		assert((await ap.textContent('.queue-view')).includes("les plus anciens d'abord"), 'oldest first by default');
		await ap.selectOption('#filter-owner', 'nobody');
		await ap.waitForFunction(() => location.hash.includes('owner=nobody'));
		await settled(ap);
		/* The shared database may hold many tickets: newest first to find ours. */
		await ap.click('#sort-created');
		await ap.waitForSelector('th[aria-sort="descending"] #sort-created');
		await settled(ap);
		await ap.waitForSelector(`tr[data-number="${number}"]`);
		const row = await ap.textContent(`tr[data-number="${number}"]`);
		assert(row.includes(REFERENT.org), `organisation in the row: ${row}`);
		assert(row.includes('Personne'), `no owner yet: ${row}`);
		await shot(ap, '07-queue');
		await audit(ap, 'queue');
		await ap.click(`tr[data-number="${number}"] .ticket-title`);
		await ap.waitForSelector('#ticket-view');
		await settled(ap);
	});

	await test('the agent takes the ticket', async () => {
		await ap.click('#take-ticket');
		await ap.waitForSelector('.owned-by-me');
		const facts = await ap.textContent('#ticket-facts');
		assert(!facts.includes('Personne'), `owner set: ${facts}`);
		assertEq(await ap.inputValue('#edit-owner'), AGENT.login, 'owner menu');
	});

	await test('the agent writes an internal note (shown apart) and a reply', async () => {
		await ap.check('#compose-kind-note');
		assertEq((await ap.textContent('#compose-submit')).trim(), 'Enregistrer la note interne', 'button says note');
		await ap.fill('#compose-body', NOTE_TEXT);
		await ap.click('#compose-submit');
		await ap.waitForSelector('.article.internal');
		await settled(ap);
		assert((await ap.textContent('.article.internal')).includes('Note interne'), 'note badge');
		const looks = await ap.evaluate(() => {
			const note = getComputedStyle(document.querySelector('.article.internal'));
			const other = getComputedStyle(document.querySelector('.article:not(.internal)'));
			return [note.backgroundColor, other.backgroundColor, note.borderTopStyle];
		});
		assert(looks[0] !== looks[1], `a note has its own background: ${looks}`);
		assertEq(looks[2], 'dashed', 'a note has a dashed border');
		await ap.check('#compose-kind-reply');
		await ap.fill('#compose-body', REPLY_TEXT);
		await ap.click('#compose-submit');
		await ap.waitForFunction((t) => [...document.querySelectorAll('.article:not(.internal) .article-text')]
		    .some((e) => e.textContent === t), REPLY_TEXT);
		await settled(ap);
		await shot(ap, '08-ticket-agent');
		await audit(ap, 'ticket (agent)');
	});

	await test('a change made meanwhile by someone else gives a visible 412 message, nothing overwritten', async () => {
		assertEq(await patchBehind(ap, number, { priority: 5 }), 200, 'the concurrent change');
		await ap.selectOption('#edit-priority', '2');
		await ap.click('#edit-save');
		await ap.waitForSelector('#conflict-reload');
		const msg = await ap.textContent('#ticket-status');
		assert(msg.includes('modifié par quelqu'), `conflict message: ${msg}`);
		await shot(ap, '09-conflict', false);
		const prio = await ap.evaluate(async (n) => (await (await fetch(`/api/v1/tickets/${n}`)).json()).ticket.priority.id, number);
		assertEq(prio, 5, 'the other change stays');
		await ap.click('#conflict-reload');
		await ap.waitForFunction(() => !document.getElementById('conflict-reload'));
		await settled(ap);
		assertEq(await ap.inputValue('#edit-priority'), '5', 'reloaded values');
	});

	await test('the agent closes the ticket', async () => {
		await ap.selectOption('#edit-state', 'closed successful');
		await ap.click('#edit-save');
		await ap.waitForSelector('#ticket-status .message.success:has-text("Le ticket est mis à jour")');
		await settled(ap);
		assertEq(await ticketStateType(ap), 'closed', 'closed badge');
	});

	await test('the history tab (keyboard: arrow keys) lists every change', async () => {
		await ap.focus('#tab-articles');
		await ap.keyboard.press('ArrowRight');
		await ap.waitForSelector('#history-table');
		assertEq(await ap.getAttribute('#tab-history', 'aria-selected'), 'true', 'history tab selected');
		const types = await ap.$$eval('#history-table tbody tr td:nth-child(3)', (td) => td.map((x) => x.textContent));
		assert(types.length >= 5, `history rows: ${types}`);
		for (const ty of ['Création', 'Responsable', 'État'])
			assert(types.includes(ty), `history has ${ty}: ${types}`);
		await shot(ap, '10-history');
		await ap.keyboard.press('ArrowLeft');
		assertEq(await ap.getAttribute('#tab-articles', 'aria-selected'), 'true', 'back to the exchanges');
	});

	/* ------------------------------------------------ back to the référent */

	await test('the référent sees the reply and not the internal note; exchanges expand on click', async () => {
		await goto(rp, `#/tickets/${number}`);
		await rp.waitForSelector('#ticket-view');
		const text = await rp.evaluate(() => document.body.textContent);
		assert(!text.includes(NOTE_TEXT), 'the note is not in the page');
		assertEq(await rp.$$eval('.article.internal', (e) => e.length), 0, 'no internal article');
		assertEq(await ticketStateType(rp), 'closed', 'closed');
		const last = rp.locator('.article').last();
		const toggle = last.locator('.article-toggle');
		assertEq(await toggle.getAttribute('aria-expanded'), 'false', 'an exchange starts collapsed');
		assert((await last.locator('.article-preview').textContent()).includes(`Réponse ${RUN}`), 'first lines shown');
		assert((await last.locator('.article-toggle').textContent()).includes("Centre d'assistance"), 'author role');
		/* Keyboard: focus the exchange and press Enter. */
		await toggle.focus();
		await rp.keyboard.press('Enter');
		assertEq(await toggle.getAttribute('aria-expanded'), 'true', 'expanded');
		assertEq(await last.locator('.article-text').textContent(), REPLY_TEXT, 'full reply');
		assert(await last.locator('.article-text').isVisible(), 'full text visible');
		const order = await rp.$$eval('.article time', (ts) => ts.map((x) => x.getAttribute('datetime')));
		assert(order.every((d, i) => i === 0 || order[i - 1] <= d), `exchanges in order: ${order}`);
	});

	await test('hiding closed tickets hides it, showing them brings it back', async () => {
		await goto(rp, `#/tickets?q=${RUN}`);
		await rp.waitForSelector('#closed-hide:checked');
		assertEq(await rp.$$eval(`tr[data-number="${number}"]`, (e) => e.length), 0, 'hidden when closed are hidden');
		await rp.check('#closed-show');
		await rp.waitForSelector(`tr[data-number="${number}"]`);
		assert(rp.url().includes('closed=show'), 'option in the hash');
		const counts = await rp.textContent('#ticket-counts');
		assert(/[1-9]\d* tickets? clôturés?/.test(counts), `closed count: ${counts}`);
		await shot(rp, '11-mes-tickets-closed');
		await rp.check('#closed-hide');
		await rp.waitForFunction((n) => !document.querySelector(`tr[data-number="${n}"]`), number);
	});

	await test('adding information says it reopens the closed ticket, and reopens it', async () => {
		await goto(rp, `#/tickets/${number}`);
		const notice = await rp.textContent('#compose-form .message.warning');
		assert(notice.includes('le rouvrira'), `notice: ${notice}`);
		assertEq((await rp.textContent('#compose-submit')).trim(), "Ajouter l'information et rouvrir le ticket", 'button');
		await rp.fill('#compose-body', `Le problème revient depuis ce matin. ${RUN}`);
		await rp.click('#compose-submit');
		await rp.waitForSelector('#ticket-status .message.success:has-text("le ticket est rouvert")');
		await settled(rp);
		assert(await ticketStateType(rp) !== 'closed', 'no longer closed');
		assert((await rp.textContent('#ticket-status')).includes('rouvert'), 'says reopened');
	});

	await test('Imprimer prints the whole ticket with the print stylesheet', async () => {
		await rp.evaluate(() => {
			window.__printed = 0;
			window.print = () => { window.__printed += 1; };
		});
		await rp.click('#print-ticket');
		assertEq(await rp.evaluate(() => window.__printed), 1, 'window.print called');
		await rp.emulateMedia({ media: 'print' });
		const p = await rp.evaluate(() => ({
			header: getComputedStyle(document.getElementById('site-header')).display,
			forms: [...document.querySelectorAll('main form')].every((f) => getComputedStyle(f).display === 'none'),
			bodies: [...document.querySelectorAll('.article-body')].every((b) => getComputedStyle(b).display !== 'none'),
			printHead: getComputedStyle(document.querySelector('.print-head')).display,
		}));
		assertEq(p.header, 'none', 'no header on paper');
		assert(p.forms, 'no forms on paper');
		assert(p.bodies, 'every exchange in full on paper');
		assertEq(p.printHead, 'block', 'a print heading');
		await shot(rp, '12-print');
		await rp.pdf({ path: path.join(SHOTS, 'ticket-print.pdf'), format: 'A4' });
		await rp.emulateMedia({ media: 'screen' });
	});

	await test('"Clôturer, mon problème est résolu" closes the ticket after a confirmation', async () => {
		await rp.click('#close-ticket');
		await rp.waitForSelector('#close-confirm');
		assertEq(await rp.evaluate(() => document.activeElement.id), 'close-confirm', 'focus on the confirmation');
		await rp.click('#close-confirm');
		await rp.waitForSelector('#ticket-status .message.success:has-text("Le ticket est clôturé")');
		await settled(rp);
		assertEq(await ticketStateType(rp), 'closed', 'closed');
		assertEq(await rp.$$eval('#close-ticket', (e) => e.length), 0, 'no close button on a closed ticket');
	});

	await test('after the session ends: the login page with a message, then back where the user was', async () => {
		const here = `#/tickets?closed=show&q=${RUN}`;
		/* The server no longer knows this browser's session. */
		await ref.context.clearCookies();
		await goto(rp, here);
		await rp.waitForSelector('#login-form');
		const notice = await rp.textContent('#login-status');
		assert(notice.includes('Votre session a expiré'), `notice: ${notice}`);
		await login(rp, REFERENT.login);
		await rp.waitForSelector(`tr[data-number="${number}"]`);
		assert(rp.url().endsWith(here), `back to ${here}: ${rp.url()}`);
	});

	await test('API tokens: create (secret shown once), list, revoke', async () => {
		await rp.click('nav.main-nav a[href="#/tokens"]');
		await rp.waitForSelector('#token-form');
		await rp.fill('#token-name', `script ${RUN}`);
		await rp.fill('#token-days', '30');
		await rp.click('#token-create');
		await rp.waitForSelector('#token-secret');
		const secret = await rp.inputValue('#token-secret');
		assert(secret.startsWith('gidhd_'), `secret: ${secret.slice(0, 8)}…`);
		const row = rp.locator('#tokens-table tr', { hasText: `script ${RUN}` });
		assertEq(await row.count(), 1, 'listed');
		await shot(rp, '13-tokens');
		await audit(rp, 'tokens');
		const stored = await rp.evaluate(() => JSON.stringify(localStorage) + document.cookie);
		assert(!stored.includes(secret), 'the secret is not stored in the browser');
		await goto(rp, '#/tickets');
		await goto(rp, '#/tokens');
		assertEq(await rp.$$eval('#token-secret', (e) => e.length), 0, 'not shown again');
		await rp.locator('#tokens-table tr', { hasText: `script ${RUN}` }).locator('button').click();
		await rp.waitForSelector('#tokens-status .message.success:has-text("est révoqué")');
		assertEq(await rp.locator('#tokens-table tr', { hasText: `script ${RUN}` }).count(), 0, 'revoked');
	}, { independent: true });

	await test('nothing secret in localStorage; the CSRF token is never stored', async () => {
		const keys = await rp.evaluate(() => Object.keys(localStorage));
		for (const k of keys)
			assert(k === 'gidhd.lang', `unexpected localStorage key ${k}`);
	}, { independent: true });

	await test('language switch: English at once, remembered for the user and on the login page', async () => {
		await goto(rp, '#/tickets');
		await rp.click('#lang-switch');
		await heading(rp, 'My tickets');
		assertEq(await rp.getAttribute('html', 'lang'), 'en', 'html lang');
		assert((await rp.textContent('nav.main-nav')).includes('New ticket'), 'nav in English');
		await shot(rp, '14-english');
		await rp.reload();
		await rp.waitForSelector('#whoami');
		await heading(rp, 'My tickets');
		await logout(rp);
		assertEq((await rp.textContent('h1')).trim(), 'Log in', 'login page in English');
		assert((await rp.textContent('#login-status')).includes('You are logged out'), 'logged out message');
		await rp.click('#lang-switch');
		await rp.waitForFunction(() => document.documentElement.lang === 'fr');
		assertEq((await rp.textContent('h1')).trim(), 'Connexion', 'back to French');
		/* The user's choice is on the server: logging in again brings English back. */
		await login(rp, REFERENT.login);
		assertEq(await rp.getAttribute('html', 'lang'), 'en', 'the user\'s language');
		await rp.click('#lang-switch');
		await heading(rp, 'Mes tickets');
	}, { independent: true });

	await test('a phone (390 px): no sideways scrolling; tickets become cards', async () => {
		await rp.setViewportSize({ width: 390, height: 844 });
		for (const [hash, name] of [['#/tickets?closed=show', '15-phone-tickets'], [`#/tickets/${number}`, '16-phone-ticket'], ['#/new', '17-phone-new']]) {
			await goto(rp, hash);
			const [sw, w] = await rp.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
			assert(sw <= w, `${hash}: page ${sw} px wide in a ${w} px window`);
			await shot(rp, name, name !== '17-phone-new');
		}
		await goto(rp, '#/tickets?closed=show');
		const display = await rp.$eval('table.tickets tbody tr', (tr) => getComputedStyle(tr).display);
		assertEq(display, 'block', 'rows are cards');
		await rp.setViewportSize({ width: 1280, height: 800 });
	}, { independent: true });

	await test('Rapports: no entry for agents; an admin gets the entry and the reports page (reports.test.mjs tests it)', async () => {
		if (!(await ap.$('#whoami'))) {
			await ap.goto(BASE);
			await login(ap, AGENT.login);
		}
		assert(!(await ap.textContent('nav.main-nav')).includes('Rapports'), 'agents: no Rapports');
		await goto(ap, '#/reports');
		assertEq((await ap.textContent('h1')).trim(), 'Page introuvable', 'agents: not their page');
		await logout(ap);
		await login(ap, ADMIN.login);
		await ap.click('nav.main-nav a[href="#/reports"]');
		await ap.waitForSelector('#reports #period-form');
		await heading(ap, 'Rapports');
		await shot(ap, '18-reports');
	}, { independent: true });

	await test('the catalogues fr and en have the same keys', async () => {
		const diff = await rp.evaluate(async () => {
			const fr = (await import('/strings-fr.js')).default;
			const en = (await import('/strings-en.js')).default;
			return [Object.keys(fr).filter((k) => !(k in en)), Object.keys(en).filter((k) => !(k in fr))];
		});
		assertEq(diff[0].length + diff[1].length, 0, `missing in en: ${diff[0]}; missing in fr: ${diff[1]}`);
	}, { independent: true });

	await test('every field has a label and all text meets WCAG 2.1 AA contrast, on every page', async () => {
		const bad = audits.filter((a) => a.problems.length > 0);
		assert(audits.length >= 8, `pages audited: ${audits.map((a) => a.name)}`);
		assert(bad.length === 0, bad.map((a) => `${a.name}: ${a.problems.slice(0, 5).join('; ')}`).join('\n'));
	});

	/*
	 * T46: the portal framed by a page of another loopback origin (a
	 * server of this script's own on another port) must not render there.
	 * The same page also frames a page of its own origin, which does load:
	 * frames work there, so a portal without frame-ancestors would show.
	 * A browser of its own, so that the refusal's CSP message is not
	 * counted as one of the run's.
	 */
	await test('T46: a page of another loopback origin cannot frame the portal', async () => {
		const server = http.createServer((req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(req.url === '/control' ? '<p id="control-text">control</p>' :
			    `<iframe id="portal" src="${BASE}"></iframe><iframe id="control" src="/control"></iframe>`);
		});
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		const framer = `http://127.0.0.1:${server.address().port}/`;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gidhd-chromium-framer-'));
		const context = await chromium.launchPersistentContext(dir, {
			executablePath: CHROMIUM, headless: true, args: ARGS,
		});
		try {
			const page = context.pages()[0] || await context.newPage();
			await page.goto(framer, { waitUntil: 'load' });
			const control = await (await page.$('#control')).contentFrame();
			assert(control && await control.$('#control-text'), 'the control frame loaded');
			const portal = await (await page.$('#portal')).contentFrame();
			/* Chromium puts its error page where a refused frame would be. */
			assert(portal && !portal.url().startsWith(BASE),
			    `the portal loaded inside the frame (${portal && portal.url()})`);
			assertEq(await portal.$('#main'), null, 'no portal content in the frame');
		} finally {
			await context.close().catch(() => {});
			fs.rmSync(dir, { recursive: true, force: true });
			server.close();
		}
	}, { independent: true });

	await test('no dialog, no Content-Security-Policy violation, no script error in the whole run', async () => {
		const short = (list) => list.slice(0, 5).map((x) => x.slice(0, 160)).join(' | ');
		assertEq(events.dialogs.length, 0, `dialogs: ${short(events.dialogs)}`);
		assertEq(events.csp.length, 0, `CSP: ${short(events.csp)}`);
		assertEq(events.pageErrors.length, 0, `errors: ${short(events.pageErrors)}`);
	}, { independent: true });
}

try {
	await run();
} catch (e) {
	count += 1;
	failures += 1;
	process.stdout.write(`not ok ${count} - portal: the test run itself\n`);
	diag(e && e.stack ? e.stack : String(e));
} finally {
	await closeBrowsers();
}
process.stdout.write(`1..${count}\n`);
diag(`screenshots in ${SHOTS}`);
/* Failures are in the TAP above; a non-zero status means the run itself broke. */
process.exit(0);
