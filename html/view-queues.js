/*
 * The agents' queues (the seven axes). #/queues: the count of tickets per
 * axis and state type. #/queues/CODE: the tickets of one axis, oldest first
 * by default, filtered by state, priority, owner (me / nobody / anyone) and
 * organisation; the filters live in the hash.
 */
import { api } from './api.js';
import { h, fmtNum } from './dom.js';
import { t, tn } from './i18n.js';
import { ref, queueName, queueDescription, priorityName, stateTypeName, loadAgentLists, reloadQueues, needReference } from './state.js';
import { ticketTable, pager } from './widgets.js';

const TYPES = ['new', 'open', 'pending', 'closed'];
const PER_PAGE = 25;
const SORTS = ['number', 'created', 'changed', 'priority', 'title', 'state'];

function queueHash(code, o) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(o || {})) {
		if (v !== undefined && v !== null && v !== '')
			q.set(k, String(v));
	}
	const s = q.toString();
	return `#/queues/${encodeURIComponent(code)}${s ? `?${s}` : ''}`;
}

export async function renderQueues(ctx) {
	const queues = await reloadQueues();
	const cell = (q, type) => {
		const n = (q.counts && q.counts[type]) || 0;
		const state = type === 'closed' ? 'closed' : 'open';
		return h('td', { 'data-label': stateTypeName(type), class: `count count-${type}` },
		    n > 0 ? h('a', { href: queueHash(q.code, { state }),
			'aria-label': t('queues.cell.label', { n, type: stateTypeName(type), queue: queueName(q) }) },
			fmtNum(n)) : h('span', { class: 'zero' }, '0'));
	};
	const totals = Object.fromEntries(TYPES.map((ty) =>
	    [ty, queues.reduce((s, q) => s + ((q.counts && q.counts[ty]) || 0), 0)]));
	const table = h('div', { class: 'table-wrap' },
	    h('table', { class: 'queues', id: 'queues-table' },
		h('caption', { class: 'visually-hidden' }, t('queues.caption')),
		h('thead', {}, h('tr', {},
		    h('th', { scope: 'col' }, t('col.queue')),
		    TYPES.map((ty) => h('th', { scope: 'col', class: 'num' }, stateTypeName(ty))))),
		h('tbody', {}, queues.map((q) => h('tr', { 'data-queue': q.code },
		    h('th', { scope: 'row' },
			h('a', { href: queueHash(q.code), class: 'queue-link' }, queueName(q)),
			h('span', { class: 'queue-desc' }, queueDescription(q))),
		    TYPES.map((ty) => cell(q, ty))))),
		h('tfoot', {}, h('tr', {},
		    h('th', { scope: 'row' }, t('queues.total')),
		    TYPES.map((ty) => h('td', { class: 'num', 'data-label': stateTypeName(ty) }, fmtNum(totals[ty])))))));
	ctx.show(h('section', { class: 'view queues-view' },
	    h('h1', {}, t('queues.title')),
	    h('p', { class: 'lead' }, t('queues.intro')),
	    table), t('queues.title'));
}

function optionsOf(query) {
	const sort = SORTS.includes(query.get('sort')) ? query.get('sort') : 'created';
	const order = query.get('order') === 'desc' ? 'desc' : 'asc';
	const state = ['open', 'closed', 'all'].includes(query.get('state')) ? query.get('state') : 'open';
	const owner = ['me', 'nobody', 'any'].includes(query.get('owner')) ? query.get('owner') : 'any';
	const prio = /^[1-5]$/.test(query.get('priority') || '') ? query.get('priority') : '';
	const org = /^[0-9]{1,12}$/.test(query.get('organisation') || '') ? query.get('organisation') : '';
	const page = Math.max(1, parseInt(query.get('page') || '1', 10) || 1);
	return { state, owner, priority: prio, organisation: org, sort, order, page };
}

/* The hash keeps only what differs from the defaults. */
function compact(o) {
	return {
		state: o.state !== 'open' ? o.state : '',
		owner: o.owner !== 'any' ? o.owner : '',
		priority: o.priority, organisation: o.organisation,
		sort: o.sort !== 'created' || o.order !== 'asc' ? o.sort : '',
		order: o.sort !== 'created' || o.order !== 'asc' ? o.order : '',
		page: o.page > 1 ? o.page : ''
	};
}

export async function renderQueue(ctx) {
	const code = ctx.params.code;
	const o = optionsOf(ctx.query);
	await Promise.all([loadAgentLists(), needReference()]);
	const queue = ref.queues.find((q) => q.code === code) || { code, name: code };
	const data = await api('GET', '/tickets', {
		query: {
			queue: code, state: o.state, owner: o.owner, priority: o.priority || undefined,
			organisation: o.organisation || undefined, sort: o.sort, order: o.order,
			page: o.page, per_page: PER_PAGE
		}
	});
	const go = (patch) => ctx.navigate(queueHash(code, compact({ ...o, page: 1, ...patch })));

	const sel = (id, label, name, options, current) => h('div', { class: 'field' },
	    h('label', { for: id }, label),
	    h('select', { id, name, onchange: (ev) => go({ [name]: ev.target.value }) },
		options.map(([v, text]) => h('option', { value: v, selected: v === current }, text))));
	const filters = h('form', { class: 'filters', id: 'queue-filters', 'aria-label': t('queue.filters') },
	    sel('filter-state', t('col.state'), 'state',
		['open', 'closed', 'all'].map((v) => [v, t(`queue.state.${v}`)]), o.state),
	    sel('filter-priority', t('col.priority'), 'priority',
		[['', t('queue.any')], ...ref.priorities.map((p) => [String(p.id), priorityName(p)])], o.priority),
	    sel('filter-owner', t('col.owner'), 'owner',
		['any', 'me', 'nobody'].map((v) => [v, t(`queue.owner.${v}`)]), o.owner),
	    sel('filter-organisation', t('col.organisation'), 'organisation',
		[['', t('queue.any')], ...(ref.organisations || []).map((g) => [String(g.id), g.name])],
		o.organisation));
	filters.addEventListener('submit', (ev) => ev.preventDefault());

	const counts = data.counts || { open: 0, closed: 0 };
	const body = data.tickets.length === 0
	    ? h('p', { class: 'empty', id: 'queue-empty' }, t('queue.empty'))
	    : ticketTable(data.tickets, {
		columns: ['number', 'title', 'customer', 'organisation', 'priority', 'state', 'owner', 'created', 'changed'],
		sort: o.sort, order: o.order, caption: queueName(queue),
		onSort: (s) => go({ sort: s, order: s === o.sort ? (o.order === 'asc' ? 'desc' : 'asc') : 'asc' })
	    });
	ctx.show(h('section', { class: 'view queue-view', 'data-queue': code },
	    h('p', { class: 'back' }, h('a', { href: '#/queues' }, t('queue.back'))),
	    h('h1', {}, queueName(queue)),
	    h('p', { class: 'lead' }, queueDescription(queue)),
	    h('p', { class: 'counts', id: 'queue-counts' },
		tn('tickets.count.open', counts.open, { n: fmtNum(counts.open) }), ' · ',
		tn('tickets.count.closed', counts.closed, { n: fmtNum(counts.closed) })),
	    filters,
	    h('p', { class: 'result-total' }, tn('tickets.total', data.total, { n: fmtNum(data.total) }),
		o.sort === 'created' && o.order === 'asc' ? ` — ${t('queue.oldestfirst')}` : ''),
	    body,
	    pager(data.page || o.page, data.per_page || PER_PAGE, data.total, (p) => go({ page: p }))),
	    queueName(queue));
}
