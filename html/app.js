/*
 * The portal's entry point: finds out who is logged in (GET /api/v1/me),
 * draws the header (who am I, navigation, language, logout) and routes the
 * hash (#/tickets, #/tickets/N, #/new, #/queues, #/tokens, #/reports) to the
 * views, so that the daemon only ever serves index.html. When a session
 * ends, the login page comes back with a message and, after login, the page
 * the user was on.
 */
import { api, setCsrfToken, setExpiredHandler, ApiError } from './api.js';
import { h, message } from './dom.js';
import { t, getLang, setLang, storedLang } from './i18n.js';
import { session, isAgent, isAdmin, isReferent, roleLabels, loadReference, errorText, setLimits } from './state.js';
import { renderLogin } from './view-login.js';
import { renderTickets } from './view-tickets.js';
import { renderNewTicket } from './view-new.js';
import { renderTicket } from './view-ticket.js';
import { renderQueues, renderQueue } from './view-queues.js';
import { renderTokens } from './view-tokens.js';
import { renderReports } from './view-reports.js';

const main = document.getElementById('main');
const header = document.getElementById('site-header');
const footer = document.getElementById('site-footer');
let routeSeq = 0;
let loginNotice = null;	/* 'session_expired' or 'logged_out', shown once */
let keepFocusNext = false;	/* the next hash change is a view changing its own filters */

/* '#/queues/depense?state=open' -> {path: ['queues','depense'], query} */
function parseHash() {
	const raw = location.hash.replace(/^#\/?/, '');
	const qi = raw.indexOf('?');
	const p = qi === -1 ? raw : raw.slice(0, qi);
	const query = new URLSearchParams(qi === -1 ? '' : raw.slice(qi + 1));
	const path = p.split('/').filter(Boolean).map((s) => {
		try {
			return decodeURIComponent(s);
		} catch (e) {
			return s;
		}
	});
	return { path, query };
}

/* The page a user lands on: agents their queues, référents their tickets. */
function homeHash() {
	return isAgent() && !isReferent() ? '#/queues' : '#/tickets';
}

/* Each route: its path pattern, who may see it, and its view. */
const ROUTES = [
	{ pattern: ['tickets'], view: renderTickets },
	{ pattern: ['tickets', ':number'], view: renderTicket },
	{ pattern: ['new'], view: renderNewTicket },
	{ pattern: ['queues'], view: renderQueues, allowed: isAgent },
	{ pattern: ['queues', ':code'], view: renderQueue, allowed: isAgent },
	{ pattern: ['tokens'], view: renderTokens },
	{ pattern: ['reports'], view: renderReports, allowed: isAdmin },
];

function matchRoute(path) {
	for (const r of ROUTES) {
		if (r.pattern.length !== path.length)
			continue;
		const params = {};
		let ok = true;
		r.pattern.forEach((seg, i) => {
			if (seg.startsWith(':'))
				params[seg.slice(1)] = path[i];
			else if (seg !== path[i])
				ok = false;
		});
		if (ok)
			return { route: r, params };
	}
	return null;
}

/* The context a view renders into; stale views (the user moved on) are dropped. */
function makeContext(params, query, keepFocus) {
	const seq = ++routeSeq;
	return {
		params,
		query,
		current: () => seq === routeSeq,
		/* Put the view's root in <main>, title the page, move focus to its heading. */
		show(root, title) {
			if (seq !== routeSeq)
				return;
			const active = document.activeElement;
			const focusId = keepFocus && active && main.contains(active) ? active.id : '';
			main.replaceChildren(root);
			document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
			if (!keepFocus) {
				const h1 = main.querySelector('h1');
				if (h1) {
					h1.tabIndex = -1;
					h1.focus({ preventScroll: true });
				}
				window.scrollTo(0, 0);
			} else if (focusId) {
				const el = document.getElementById(focusId);
				if (el)
					el.focus({ preventScroll: true });
			}
			markCurrentNav();
		},
		rerender: () => route(true),
		/* Go to hash as a change of this view's own state (filters, page, sort). */
		navigate(hash) {
			if (location.hash === hash) {
				route(true);
				return;
			}
			keepFocusNext = true;
			location.hash = hash;
		},
	};
}

/* Draw the page for the current hash. */
export async function route(keepFocus) {
	if (!session.user) {
		showLogin();
		return;
	}
	const { path, query } = parseHash();
	if (path.length === 0 || path[0] === 'login') {
		location.replace(homeHash());
		return;
	}
	const m = matchRoute(path);
	const ctx = makeContext(m ? m.params : {}, query, keepFocus);
	if (!m || (m.route.allowed && !m.route.allowed())) {
		ctx.show(h('section', { class: 'view' },
		    h('h1', {}, t('notfound.title')),
		    h('p', {}, t('notfound.text')),
		    h('p', {}, h('a', { href: homeHash() }, t('notfound.home')))),
		    t('notfound.title'));
		return;
	}
	main.setAttribute('aria-busy', 'true');
	try {
		await m.route.view(ctx);
	} catch (e) {
		if (e instanceof ApiError && e.status === 401)
			return;	/* the expiry handler has shown the login page */
		console.error(e);
		ctx.show(h('section', { class: 'view' },
		    h('h1', {}, t('error.title')),
		    message('error', errorText(e))), t('error.title'));
	} finally {
		main.removeAttribute('aria-busy');
	}
}

function showLogin() {
	routeSeq += 1;
	drawHeader();
	const notice = loginNotice;
	loginNotice = null;
	renderLogin(main, { notice, onLogin: afterLogin, onLang: switchLang });
	document.title = `${t('login.title')} · ${t('app.name')}`;
}

/* Called by the login view with the reply of POST /session. */
async function afterLogin(reply) {
	session.user = reply.user;
	setCsrfToken(reply.csrf_token);
	setLimits(reply.limits);
	if (reply.user.lang && reply.user.lang !== getLang()) {
		setLang(reply.user.lang);
	} else if (!reply.user.lang) {
		/* First login: keep the language chosen on the login page. */
		api('PATCH', '/me', { body: { lang: getLang() } }).catch(() => {});
	}
	await loadReference();
	drawHeader();
	route();
}

function markCurrentNav() {
	const hash = location.hash.split('?')[0];
	for (const a of header.querySelectorAll('nav a')) {
		const target = a.getAttribute('href');
		const cur = hash === target || hash.startsWith(`${target}/`);
		if (cur)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
}

/* Change the language, remember it (here and on the server), redraw. */
async function switchLang(l) {
	setLang(l);
	if (session.user) {
		try {
			const r = await api('PATCH', '/me', { body: { lang: l } });
			if (r && r.user)
				session.user = r.user;
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return;
		}
	}
	drawHeader();
	drawFooter();
	if (session.user)
		route(true);
	else
		showLogin();
	const btn = document.getElementById('lang-switch');
	if (btn)
		btn.focus();
}

async function logout() {
	try {
		await api('DELETE', '/session', { noExpiry: true });
	} catch (e) {
		/* the session may be gone already: we are logged out either way */
	}
	session.user = null;
	setCsrfToken(null);
	loginNotice = 'logged_out';
	history.replaceState(null, '', '#/');
	showLogin();
}

function langButton() {
	const other = getLang() === 'fr' ? 'en' : 'fr';
	return h('button', {
		type: 'button', class: 'link-button lang-switch', id: 'lang-switch',
		lang: other, onclick: () => switchLang(other)
	}, t(`lang.switch.${other}`));
}

function drawHeader() {
	const brand = h('a', { class: 'brand', href: session.user ? homeHash() : '#/' },
	    h('img', { src: 'favicon.svg', alt: '', width: 32, height: 32 }),
	    h('span', { class: 'brand-text' },
		h('span', { class: 'brand-name' }, t('app.name')),
		h('span', { class: 'brand-sub' }, t('app.org'))));
	const skip = document.getElementById('skip-link');
	if (skip)
		skip.textContent = t('app.skip');
	if (!session.user) {
		header.replaceChildren(h('div', { class: 'header-row' }, brand,
		    h('div', { class: 'header-tools' }, langButton())));
		return;
	}
	const u = session.user;
	const links = [];
	if (isReferent() || !isAgent())
		links.push(['#/tickets', t('nav.mytickets')], ['#/new', t('nav.new')]);
	if (isAgent())
		links.push(['#/queues', t('nav.queues')], ['#/tickets', t('nav.owned')]);
	links.push(['#/tokens', t('nav.tokens')]);
	if (isAdmin())
		links.push(['#/reports', t('nav.reports')]);
	const seen = new Set();
	const nav = h('nav', { 'aria-label': t('nav.label'), class: 'main-nav' },
	    h('ul', {}, links.filter(([href]) => !seen.has(href) && seen.add(href))
		.map(([href, label]) => h('li', {}, h('a', { href }, label)))));
	const who = h('div', { class: 'whoami', id: 'whoami' },
	    h('span', { class: 'who-name' }, u.name || u.login),
	    u.organisation ? h('span', { class: 'who-org' }, u.organisation) : null,
	    h('span', { class: 'who-role' }, roleLabels().join(', ')));
	header.replaceChildren(
	    h('div', { class: 'header-row' }, brand,
		h('div', { class: 'header-tools' }, who, langButton(),
		    h('button', { type: 'button', class: 'button secondary', id: 'logout',
			onclick: logout }, t('nav.logout')))),
	    nav);
	markCurrentNav();
}

function drawFooter() {
	footer.replaceChildren(h('p', {}, t('app.footer')));
}

async function boot() {
	setLang(storedLang(), false);
	setExpiredHandler(() => {
		session.user = null;
		loginNotice = 'session_expired';
		showLogin();
	});
	drawFooter();
	try {
		const me = await api('GET', '/me', { noExpiry: true });
		session.user = me.user;
		setCsrfToken(me.csrf_token);
		setLimits(me.limits);
		if (me.user.lang)
			setLang(me.user.lang);
		drawFooter();
		await loadReference();
	} catch (e) {
		session.user = null;
		if (!(e instanceof ApiError && e.status === 401)) {
			drawHeader();
			main.replaceChildren(h('section', { class: 'view' },
			    h('h1', {}, t('error.title')), message('error', errorText(e)),
			    h('p', {}, h('button', { type: 'button', class: 'button',
				onclick: () => location.reload() }, t('error.retry')))));
			return;
		}
	}
	drawHeader();
	window.addEventListener('hashchange', () => {
		const keep = keepFocusNext;
		keepFocusNext = false;
		route(keep);
	});
	route();
}

boot();
