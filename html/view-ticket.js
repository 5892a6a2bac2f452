/*
 * One ticket. Everyone sees the header (number, title, state, priority,
 * axis, owner, dates) and the initial message and exchanges in order; each
 * exchange shows author, date and its first lines and expands on click to
 * its full text and attachments, as the user guide describes. "Imprimer"
 * prints the whole ticket (print.css).
 * The référent adds information (which reopens a closed ticket, and the form
 * says so) and can close the ticket ("mon problème est résolu").
 * Agents also see internal notes (marked apart), reply or write a note,
 * take the ticket, change state / priority / axis / owner (with If-Match: a
 * concurrent change is shown, never overwritten) and read the history.
 */
import { api, attachmentUrl, ApiError } from './api.js';
import { h, message, fmtDate, fmtSize, firstLines, timeEl } from './dom.js';
import { t, tn, has } from './i18n.js';
import {
	session, ref, isAgent, isClosed, queueName, priorityName, stateName,
	errorText, loadAgentLists, needReference
} from './state.js';
import { stateBadge, priorityBadge, attachmentPicker, uploadAll } from './widgets.js';

/* Per ticket: which exchanges are open, which tab is shown, a message to show once. */
const memory = new Map();

function mem(number) {
	if (!memory.has(number))
		memory.set(number, { open: null, tab: 'articles', flash: null });
	return memory.get(number);
}

function personName(p) {
	return p ? p.name || p.login : '';
}

/* The role shown beside an author's name. */
function senderLabel(a) {
	return t(`article.sender.${a.sender || 'referent'}`);
}

function attachmentList(atts) {
	if (!atts || atts.length === 0)
		return null;
	return h('ul', { class: 'attachment-list' }, atts.map((f) => h('li', {},
	    h('a', { href: attachmentUrl(f.id), download: f.filename, class: 'attachment-link' }, f.filename),
	    ' ', h('span', { class: 'file-size' }, `(${fmtSize(f.size)})`))));
}

/* One exchange: a button with author, date and first lines; the full text on click. */
function articleItem(a, index, m) {
	const bodyId = `article-body-${a.id}`;
	const expanded = m.open.has(String(a.id));
	const classes = ['article', `sender-${a.sender || 'referent'}`, a.internal ? 'internal' : null,
	    expanded ? 'expanded' : 'collapsed'];
	const preview = h('p', { class: 'article-preview', hidden: expanded, 'aria-hidden': 'true' },
	    firstLines(a.body));
	const full = h('div', { class: 'article-body', id: bodyId, hidden: !expanded },
	    h('div', { class: 'article-text' }, a.body),
	    attachmentList(a.attachments));
	const toggle = h('button', {
		type: 'button', class: 'article-toggle', 'aria-expanded': String(expanded),
		'aria-controls': bodyId, id: `article-toggle-${a.id}`
	},
	    h('span', { class: 'article-kind' }, index === 0 ? t('article.initial') : t('article.exchange', { n: index })),
	    a.internal ? h('span', { class: 'badge internal-badge' }, t('article.internal')) : null,
	    h('span', { class: 'article-author' }, personName(a.author)),
	    h('span', { class: 'article-role' }, senderLabel(a)),
	    timeEl(a.created),
	    a.attachments && a.attachments.length
		? h('span', { class: 'article-attach-count' }, tn('article.attachments', a.attachments.length))
		: null,
	    h('span', { class: 'article-chevron', 'aria-hidden': 'true' }));
	const li = h('li', { class: classes, 'data-article': a.id },
	    h('h3', { class: 'article-head' }, toggle), preview, full);
	toggle.addEventListener('click', () => {
		const open = toggle.getAttribute('aria-expanded') !== 'true';
		toggle.setAttribute('aria-expanded', String(open));
		full.hidden = !open;
		preview.hidden = open;
		li.classList.toggle('expanded', open);
		li.classList.toggle('collapsed', !open);
		if (open)
			m.open.add(String(a.id));
		else
			m.open.delete(String(a.id));
	});
	return li;
}

function articlesPanel(ticket, m) {
	const arts = ticket.articles || [];
	const allOpen = () => {
		for (const a of arts)
			m.open.add(String(a.id));
	};
	const list = h('ol', { class: 'articles', id: 'articles' }, arts.map((a, i) => articleItem(a, i, m)));
	const expandAll = h('button', { type: 'button', class: 'link-button', id: 'expand-all',
	    onclick: () => {
		allOpen();
		for (const b of list.querySelectorAll('.article-toggle[aria-expanded=false]'))
			b.click();
	    } }, t('article.expandall'));
	return h('section', { class: 'exchanges', 'aria-labelledby': 'exchanges-title' },
	    h('div', { class: 'section-head' },
		h('h2', { id: 'exchanges-title' }, tn('article.count', arts.length)),
		arts.length > 1 ? expandAll : null),
	    h('p', { class: 'hint no-print' }, t('article.clickhint')),
	    list);
}

/* The header: number, title and the facts of the ticket. */
function ticketHeader(ticket) {
	const row = (key, value) => h('div', { class: 'fact' }, h('dt', {}, t(key)), h('dd', {}, value));
	return h('div', { class: 'ticket-header' },
	    h('p', { class: 'ticket-ref' }, t('ticket.ref', { number: ticket.number })),
	    h('h1', { id: 'ticket-title' }, ticket.title),
	    h('dl', { class: 'facts', id: 'ticket-facts' },
		row('col.state', stateBadge(ticket.state)),
		row('col.priority', priorityBadge(ticket.priority)),
		row('col.queue', queueName(ticket.queue)),
		row('col.owner', ticket.owner ? personName(ticket.owner) : t('ticket.nobody')),
		row('col.customer', [personName(ticket.customer),
		    ticket.organisation ? ` — ${ticket.organisation.name}` : '']),
		ticket.requester ? row('col.requester', ticket.requester) : null,
		row('col.created', timeEl(ticket.created)),
		row('col.changed', timeEl(ticket.changed)),
		ticket.closed ? row('col.closed', timeEl(ticket.closed)) : null));
}

/* PATCH the ticket with If-Match; a 412 becomes a visible message, nothing is retried. */
async function patchTicket(ctx, ticket, changes, status, okText) {
	try {
		await api('PATCH', `/tickets/${encodeURIComponent(ticket.number)}`,
		    { body: changes, ifMatch: ticket.version });
		mem(ticket.number).flash = okText;
		ctx.rerender();
	} catch (e) {
		if (e instanceof ApiError && e.status === 401)
			return;
		if (e instanceof ApiError && e.status === 412) {
			status.replaceChildren(message('warning',
			    h('strong', {}, t('ticket.conflict.title')), ' ', t('ticket.conflict.text'), ' ',
			    h('button', { type: 'button', class: 'button secondary', id: 'conflict-reload',
				onclick: () => ctx.rerender() }, t('ticket.conflict.reload'))));
		} else {
			status.replaceChildren(message('error', errorText(e)));
		}
		status.scrollIntoView({ block: 'nearest' });
	}
}

/* The référent's "close, my problem is solved", with a confirmation step. */
function closeControl(ctx, ticket, status) {
	const wrap = h('div', { class: 'close-control' });
	const ask = h('button', { type: 'button', class: 'button secondary', id: 'close-ticket' },
	    t('ticket.close'));
	ask.addEventListener('click', () => {
		const yes = h('button', { type: 'button', class: 'button primary', id: 'close-confirm',
		    onclick: () => {
			yes.disabled = true;
			patchTicket(ctx, ticket, { state: 'closed successful' }, status, t('ticket.closed.ok'));
		    } }, t('ticket.close.confirm'));
		const no = h('button', { type: 'button', class: 'button secondary', id: 'close-cancel',
		    onclick: () => {
			wrap.replaceChildren(ask);
			ask.focus();
		    } }, t('common.cancel'));
		wrap.replaceChildren(h('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'close-q' },
		    h('p', { id: 'close-q' }, t('ticket.close.question')), yes, no));
		yes.focus();
	});
	wrap.append(ask);
	return wrap;
}

/* The form to add information (référent) or reply / write a note (agent). */
function composer(ctx, ticket, agent) {
	const status = h('div', { id: 'compose-status' });
	const closed = isClosed(ticket);
	const bodyInput = h('textarea', { id: 'compose-body', name: 'body', rows: 7, required: true,
	    'aria-describedby': 'compose-hint' });
	const picker = attachmentPicker('compose-attach');
	const submit = h('button', { type: 'submit', class: 'button primary', id: 'compose-submit' });
	let kind = null;
	const setLabel = () => {
		if (!agent)
			submit.textContent = closed ? t('compose.submit.reopen') : t('compose.submit');
		else
			submit.textContent = kind && kind.value === 'note' ? t('compose.submit.note') : t('compose.submit.reply');
	};
	let kindField = null;
	if (agent) {
		kindField = h('fieldset', { class: 'segmented', id: 'compose-kind' },
		    h('legend', {}, t('compose.kind')),
		    ['reply', 'note'].map((v) => h('label', { class: ['segment', v === 'note' ? 'segment-note' : null] },
			h('input', { type: 'radio', name: 'compose-kind', value: v, id: `compose-kind-${v}`,
			    checked: v === 'reply', onchange: () => {
				kind = kindField.querySelector('input:checked');
				form.classList.toggle('is-note', kind.value === 'note');
				setLabel();
			    } }),
			h('span', {}, t(`compose.kind.${v}`)))));
	}
	const form = h('form', { class: 'compose-form', id: 'compose-form', novalidate: true },
	    kindField,
	    !agent && closed ? message('warning', t('compose.reopen.notice')) : null,
	    h('div', { class: 'field' },
		h('label', { for: 'compose-body' }, agent ? t('compose.body.agent') : t('compose.body')),
		h('p', { class: 'hint', id: 'compose-hint' },
		    agent ? t('compose.hint.agent') : t('compose.hint')),
		bodyInput),
	    picker.el,
	    status,
	    h('div', { class: 'actions' }, submit));
	if (agent)
		kind = kindField.querySelector('input:checked');
	setLabel();

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const text = bodyInput.value.trim();
		status.replaceChildren();
		if (!text) {
			bodyInput.setAttribute('aria-invalid', 'true');
			status.append(message('error', t('compose.error.empty')));
			bodyInput.focus();
			return;
		}
		bodyInput.removeAttribute('aria-invalid');
		submit.disabled = true;
		const progress = h('p', { class: 'progress', role: 'status' });
		status.append(progress);
		const internal = agent && kind.value === 'note';
		try {
			const ids = await uploadAll(picker.files(), (s) => { progress.textContent = s; });
			progress.textContent = t('compose.sending');
			const req = { body: text };
			if (agent)
				req.internal = internal;
			if (ids.length)
				req.attachments = ids;
			const r = await api('POST', `/tickets/${encodeURIComponent(ticket.number)}/articles`, { body: req });
			const m = mem(ticket.number);
			if (r && r.article)
				m.open.add(String(r.article.id));
			m.flash = agent ? t(internal ? 'compose.ok.note' : 'compose.ok.reply')
			    : t(closed ? 'compose.ok.reopened' : 'compose.ok');
			ctx.rerender();
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return;
			status.replaceChildren(message('error', errorText(e)));
			submit.disabled = false;
		}
	});
	return h('section', { class: ['compose', 'no-print'], 'aria-labelledby': 'compose-title' },
	    h('h2', { id: 'compose-title' }, agent ? t('compose.title.agent') : t('compose.title')),
	    form);
}

/* The agent's form to change state, priority, axis and owner. */
function agentControls(ctx, ticket, status) {
	const me = session.user.login;
	const states = ref.states.filter((s) => s.type !== 'merged' || s.name === ticket.state.name);
	const sel = (id, label, options, current) => h('div', { class: 'field' },
	    h('label', { for: id }, label),
	    h('select', { id, name: id }, options.map(([v, text]) =>
		h('option', { value: v, selected: v === current }, text))));
	const agents = (ref.agents || []).slice();
	if (ticket.owner && !agents.some((a) => a.login === ticket.owner.login))
		agents.push(ticket.owner);
	const ownerOpts = [['', t('ticket.nobody')], ...agents.map((a) => [a.login, personName(a)])];
	const form = h('form', { class: 'agent-form', id: 'agent-form' },
	    h('div', { class: 'grid-4' },
		sel('edit-state', t('col.state'), states.map((s) => [s.name, stateName(s)]), ticket.state.name),
		sel('edit-priority', t('col.priority'), ref.priorities.map((p) => [String(p.id), priorityName(p)]),
		    String(ticket.priority.id)),
		sel('edit-queue', t('col.queue'), ref.queues.map((q) => [q.code, queueName(q)]), ticket.queue.code),
		sel('edit-owner', t('col.owner'), ownerOpts, ticket.owner ? ticket.owner.login : '')),
	    h('div', { class: 'actions' },
		h('button', { type: 'submit', class: 'button primary', id: 'edit-save' }, t('ticket.edit.save'))));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const v = (id) => form.querySelector(`#${id}`).value;
		const changes = {};
		if (v('edit-state') !== ticket.state.name)
			changes.state = v('edit-state');
		if (Number(v('edit-priority')) !== ticket.priority.id)
			changes.priority = Number(v('edit-priority'));
		if (v('edit-queue') !== ticket.queue.code)
			changes.queue = v('edit-queue');
		if (v('edit-owner') !== (ticket.owner ? ticket.owner.login : ''))
			changes.owner = v('edit-owner') || null;
		if (Object.keys(changes).length === 0) {
			status.replaceChildren(message('info', t('ticket.edit.nothing')));
			return;
		}
		form.querySelector('#edit-save').disabled = true;
		patchTicket(ctx, ticket, changes, status, t('ticket.edit.ok'));
	});
	const take = !ticket.owner || ticket.owner.login !== me
	    ? h('button', { type: 'button', class: 'button primary', id: 'take-ticket',
		onclick: (ev) => {
			ev.currentTarget.disabled = true;
			patchTicket(ctx, ticket, { owner: me }, status, t('ticket.take.ok'));
		} }, t('ticket.take'))
	    : h('p', { class: 'owned-by-me' }, t('ticket.yours'));
	return h('section', { class: ['agent-controls', 'no-print'], 'aria-labelledby': 'agent-controls-title' },
	    h('div', { class: 'section-head' },
		h('h2', { id: 'agent-controls-title' }, t('ticket.edit.title')), take),
	    form);
}

/* The history of every change, loaded when its tab is opened. */
async function historyPanel(ticket, panel) {
	panel.replaceChildren(h('p', { class: 'loading' }, t('common.loading')));
	try {
		const r = await api('GET', `/tickets/${encodeURIComponent(ticket.number)}/history`);
		const val = (type, v) => historyValue(type, v);
		const rows = (r.history || []).map((ev) => h('tr', {},
		    h('td', {}, timeEl(ev.created)),
		    h('td', {}, personName(ev.actor)),
		    h('td', {}, historyType(ev.type)),
		    h('td', {}, val(ev.type, ev.old)),
		    h('td', {}, val(ev.type, ev.new))));
		panel.replaceChildren(h('div', { class: 'table-wrap' },
		    h('table', { class: 'history', id: 'history-table' },
			h('caption', { class: 'visually-hidden' }, t('history.title')),
			h('thead', {}, h('tr', {}, ['date', 'actor', 'type', 'old', 'new'].map((c) =>
			    h('th', { scope: 'col' }, t(`history.${c}`))))),
			h('tbody', {}, rows))));
	} catch (e) {
		if (!(e instanceof ApiError && e.status === 401))
			panel.replaceChildren(message('error', errorText(e)));
	}
}

/* A value of the history in words: state, priority, axis and owner by name. */
function historyValue(type, v) {
	if (v === null || v === undefined || v === '')
		return '';
	if (typeof v === 'object')
		return v.name || v.login || v.code || JSON.stringify(v);
	const s = String(v);
	switch (type) {
	case 'created':
	case 'state':
		return ref.states.some((x) => x.name === s) ? stateName(s) : s;
	case 'article':
		return '';	/* an article's id: the exchange itself is in the other tab */
	case 'priority': {
		const p = ref.priorities.find((x) => String(x.id) === s || x.name === s);
		return p ? priorityName(p) : s;
	}
	case 'queue': {
		const q = ref.queues.find((x) => x.code === s || x.name === s);
		return q ? queueName(q) : s;
	}
	case 'owner': {
		const a = (ref.agents || []).find((x) => x.login === s);
		return a ? personName(a) : s;
	}
	default:
		return s;
	}
}

function historyType(type) {
	return has(`history.type.${type}`) ? t(`history.type.${type}`) : type;
}

/* ARIA tabs: arrow keys move between them; the chosen tab is remembered. */
function tabs(items, m, onShow) {
	const list = h('div', { role: 'tablist', class: 'tabs no-print', 'aria-label': t('ticket.tabs') });
	const panels = [];
	const buttons = items.map((it, i) => {
		const b = h('button', {
			type: 'button', role: 'tab', id: `tab-${it.id}`, 'aria-controls': `panel-${it.id}`,
			'aria-selected': String(it.id === m.tab), tabindex: it.id === m.tab ? '0' : '-1'
		}, it.label);
		b.addEventListener('click', () => select(i));
		b.addEventListener('keydown', (ev) => {
			const n = items.length;
			let j = null;
			if (ev.key === 'ArrowRight')
				j = (i + 1) % n;
			else if (ev.key === 'ArrowLeft')
				j = (i + n - 1) % n;
			else if (ev.key === 'Home')
				j = 0;
			else if (ev.key === 'End')
				j = n - 1;
			if (j !== null) {
				ev.preventDefault();
				select(j);
				buttons[j].focus();
			}
		});
		panels.push(h('div', { role: 'tabpanel', id: `panel-${it.id}`, 'aria-labelledby': `tab-${it.id}`,
		    class: 'tab-panel', hidden: it.id !== m.tab }, it.content));
		return b;
	});
	function select(i) {
		buttons.forEach((b, k) => {
			b.setAttribute('aria-selected', String(k === i));
			b.tabIndex = k === i ? 0 : -1;
			panels[k].hidden = k !== i;
		});
		m.tab = items[i].id;
		onShow(items[i].id, panels[i]);
	}
	list.append(...buttons);
	const current = items.findIndex((it) => it.id === m.tab);
	if (current > 0)
		onShow(items[current].id, panels[current]);
	return [list, ...panels];
}

export async function renderTicket(ctx) {
	const number = ctx.params.number;
	const agent = isAgent();
	const [r] = await Promise.all([
		api('GET', `/tickets/${encodeURIComponent(number)}`).catch((e) => {
			if (e instanceof ApiError && e.status === 404)
				return null;
			throw e;
		}),
		agent ? loadAgentLists() : null,
		needReference()]);
	if (!r) {
		ctx.show(h('section', { class: 'view' },
		    h('h1', {}, t('ticket.notfound.title')),
		    h('p', {}, t('ticket.notfound.text', { number })),
		    h('p', {}, h('a', { href: '#/tickets' }, t('nav.mytickets')))), t('ticket.notfound.title'));
		return;
	}
	const ticket = r.ticket;
	const m = mem(ticket.number);
	if (m.open === null) {
		m.open = new Set();
		if (ticket.articles && ticket.articles.length)
			m.open.add(String(ticket.articles[0].id));
	}
	const status = h('div', { class: 'ticket-status', id: 'ticket-status' });
	if (m.flash) {
		status.append(message('success', m.flash));
		m.flash = null;
	}
	const actions = h('div', { class: 'ticket-actions no-print' },
	    h('button', { type: 'button', class: 'button secondary', id: 'print-ticket',
		onclick: () => window.print() }, t('ticket.print')),
	    !agent && !isClosed(ticket) ? closeControl(ctx, ticket, status) : null);

	const printHead = h('p', { class: 'print-only print-head' },
	    t('print.head', { name: personName(session.user), date: fmtDate(new Date().toISOString()) }));

	let content;
	if (agent) {
		const histPanel = h('div', { class: 'history-panel' });
		content = [agentControls(ctx, ticket, status),
		    ...tabs([
			{ id: 'articles', label: t('ticket.tab.articles'), content: [articlesPanel(ticket, m), composer(ctx, ticket, true)] },
			{ id: 'history', label: t('ticket.tab.history'), content: histPanel },
		    ], m, (id) => {
			if (id === 'history')
				historyPanel(ticket, histPanel);
		    })];
	} else {
		content = [articlesPanel(ticket, m), composer(ctx, ticket, false)];
	}
	const root = h('article', { class: ['view', 'ticket-view', agent ? 'agent' : 'referent'], id: 'ticket-view',
	    'data-number': ticket.number, 'data-version': ticket.version },
	    h('p', { class: 'back no-print' }, h('a', { href: agent ? `#/queues/${encodeURIComponent(ticket.queue.code)}` : '#/tickets' },
		agent ? t('ticket.back.queue', { queue: queueName(ticket.queue) }) : t('ticket.back'))),
	    printHead,
	    ticketHeader(ticket),
	    actions,
	    status,
	    content);
	ctx.show(root, t('ticket.ref', { number: ticket.number }));
}
