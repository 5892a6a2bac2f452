/*
 * "Mes tickets": the référent's tickets (for an agent, the tickets they
 * own), with the two options of the user guide, "ne pas montrer les tickets
 * clôturés" / "voir les tickets clôturés", a search box, sorting, paging and
 * the counts of open and closed tickets. The options live in the hash
 * (#/tickets?closed=show&q=...&sort=changed&order=desc&page=2), so that the
 * back button and a reload keep them.
 */
import { api } from './api.js';
import { h, fmtNum } from './dom.js';
import { t, tn } from './i18n.js';
import { isAgent, isReferent } from './state.js';
import { ticketTable, pager } from './widgets.js';

const PER_PAGE = 25;
const SORTS = ['number', 'created', 'changed', 'priority', 'title', 'state'];

/* The view's options from the hash, with defaults. */
function optionsOf(query) {
	const sort = SORTS.includes(query.get('sort')) ? query.get('sort') : 'changed';
	const order = query.get('order') === 'asc' || query.get('order') === 'desc'
	    ? query.get('order') : (sort === 'title' || sort === 'number' ? 'asc' : 'desc');
	const page = Math.max(1, parseInt(query.get('page') || '1', 10) || 1);
	return {
		closed: query.get('closed') === 'show' ? 'show' : 'hide',
		q: (query.get('q') || '').slice(0, 200),
		sort, order, page
	};
}

function hashOf(o) {
	const q = new URLSearchParams();
	if (o.closed === 'show')
		q.set('closed', 'show');
	if (o.q)
		q.set('q', o.q);
	if (o.sort !== 'changed' || o.order !== 'desc') {
		q.set('sort', o.sort);
		q.set('order', o.order);
	}
	if (o.page > 1)
		q.set('page', String(o.page));
	const s = q.toString();
	return `#/tickets${s ? `?${s}` : ''}`;
}

export async function renderTickets(ctx) {
	const o = optionsOf(ctx.query);
	const agentView = isAgent() && !isReferent();
	const data = await api('GET', '/tickets', {
		query: {
			state: o.closed === 'show' ? 'all' : 'open',
			q: o.q || undefined,
			owner: agentView ? 'me' : undefined,
			sort: o.sort, order: o.order, page: o.page, per_page: PER_PAGE
		}
	});
	const go = (patch) => ctx.navigate(hashOf({ ...o, ...patch }));
	const counts = data.counts || { open: 0, closed: 0 };

	/* The two options of the guide, as a pair of radio buttons. */
	const closedChoice = h('fieldset', { class: 'segmented', id: 'closed-choice' },
	    h('legend', { class: 'visually-hidden' }, t('tickets.closed.legend')),
	    ['hide', 'show'].map((v) => h('label', { class: 'segment' },
		h('input', {
		    type: 'radio', name: 'closed', value: v, id: `closed-${v}`,
		    checked: o.closed === v,
		    onchange: () => go({ closed: v, page: 1 })
		}),
		h('span', {}, t(`tickets.closed.${v}`)))));

	const search = h('input', {
		type: 'search', id: 'tickets-q', name: 'q', value: o.q, maxlength: 200,
		placeholder: t('tickets.search.placeholder')
	});
	const searchForm = h('form', { class: 'search-form', role: 'search', id: 'tickets-search' },
	    h('label', { for: 'tickets-q' }, t('tickets.search.label')),
	    h('div', { class: 'inline' }, search,
		h('button', { type: 'submit', class: 'button secondary', id: 'tickets-search-go' },
		    t('tickets.search.submit')),
		o.q ? h('button', { type: 'button', class: 'link-button', id: 'tickets-search-clear',
		    onclick: () => go({ q: '', page: 1 }) }, t('tickets.search.clear')) : null));
	searchForm.addEventListener('submit', (ev) => {
		ev.preventDefault();
		go({ q: search.value.trim(), page: 1 });
	});

	const countsEl = h('p', { class: 'counts', id: 'ticket-counts', 'aria-live': 'polite' },
	    h('span', { class: 'count-open' }, tn('tickets.count.open', counts.open, { n: fmtNum(counts.open) })),
	    ' · ',
	    h('span', { class: 'count-closed' }, tn('tickets.count.closed', counts.closed, { n: fmtNum(counts.closed) })));

	let body;
	if (data.tickets.length === 0) {
		body = h('div', { class: 'empty', id: 'tickets-empty' },
		    h('p', {}, o.q ? t('tickets.empty.search') : t(o.closed === 'show' ? 'tickets.empty.all' : 'tickets.empty.open')),
		    !agentView ? h('p', {}, h('a', { href: '#/new', class: 'button primary' }, t('nav.new'))) : null);
	} else {
		body = ticketTable(data.tickets, {
			columns: ['number', 'title', 'queue', 'priority', 'state', 'changed'],
			sort: o.sort, order: o.order, caption: t(agentView ? 'tickets.owned.title' : 'tickets.title'),
			onSort: (s) => go({ sort: s, order: s === o.sort && o.order === 'desc' ? 'asc' :
			    (s === o.sort ? 'desc' : (s === 'title' || s === 'number' ? 'asc' : 'desc')), page: 1 })
		});
	}
	const total = h('p', { class: 'result-total' }, tn('tickets.total', data.total, { n: fmtNum(data.total) }));

	const root = h('section', { class: 'view tickets-view' },
	    h('div', { class: 'view-head' },
		h('h1', {}, t(agentView ? 'tickets.owned.title' : 'tickets.title')),
		!agentView ? h('a', { href: '#/new', class: 'button primary', id: 'new-ticket-link' }, t('nav.new')) : null),
	    countsEl,
	    h('div', { class: 'toolbar' }, closedChoice, searchForm),
	    total,
	    body,
	    pager(data.page || o.page, data.per_page || PER_PAGE, data.total, (p) => go({ page: p })));
	ctx.show(root, t(agentView ? 'tickets.owned.title' : 'tickets.title'));
}
