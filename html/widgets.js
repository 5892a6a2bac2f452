/*
 * Pieces shared by several views: the ticket table with sortable columns,
 * the pager, the state and priority badges, the attachment picker (sizes
 * shown, the size limit checked before anything is uploaded) and the
 * upload of the picked files.
 */
import { upload } from './api.js';
import { h, fmtDate, fmtSize, fmtNum, uid, message } from './dom.js';
import { t, tn } from './i18n.js';
import { queueName, priorityName, stateName, limits } from './state.js';

export function stateBadge(state) {
	const type = (state && state.type) || 'open';
	return h('span', { class: ['badge', `state-${type}`] }, stateName(state));
}

export function priorityBadge(p) {
	const id = p && typeof p === 'object' ? p.id : p;
	return h('span', { class: ['badge', `prio-${id}`] }, priorityName(p));
}

export function ticketHref(number) {
	return `#/tickets/${encodeURIComponent(number)}`;
}

/* The columns a ticket table can show: header key, sort key, cell maker. */
const COLUMNS = {
	number: { sort: 'number', cell: (tk) => h('a', { href: ticketHref(tk.number), class: 'ticket-number' }, tk.number) },
	title: { sort: 'title', cell: (tk) => h('a', { href: ticketHref(tk.number), class: 'ticket-title' }, tk.title) },
	queue: { cell: (tk) => queueName(tk.queue) },
	priority: { sort: 'priority', cell: (tk) => priorityBadge(tk.priority) },
	state: { sort: 'state', cell: (tk) => stateBadge(tk.state) },
	customer: { cell: (tk) => (tk.customer ? tk.customer.name || tk.customer.login : '') },
	organisation: { cell: (tk) => (tk.organisation ? tk.organisation.name : '') },
	owner: { cell: (tk) => (tk.owner ? tk.owner.name || tk.owner.login : t('ticket.nobody')) },
	created: { sort: 'created', cell: (tk) => h('time', { datetime: tk.created }, fmtDate(tk.created)) },
	changed: { sort: 'changed', cell: (tk) => h('time', { datetime: tk.changed }, fmtDate(tk.changed)) },
};

/*
 * A table of tickets. opts: columns (names of COLUMNS), sort, order,
 * onSort(sortKey) for the sortable headers, caption.
 */
export function ticketTable(tickets, opts) {
	const head = h('tr', {}, opts.columns.map((name) => {
		const col = COLUMNS[name];
		const label = t(`col.${name}`);
		if (!col.sort || !opts.onSort)
			return h('th', { scope: 'col' }, label);
		const active = opts.sort === col.sort;
		const ariaSort = active ? (opts.order === 'asc' ? 'ascending' : 'descending') : null;
		return h('th', { scope: 'col', 'aria-sort': ariaSort },
		    h('button', {
			type: 'button', class: 'sort-button', id: `sort-${col.sort}`,
			onclick: () => opts.onSort(col.sort)
		    }, label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' },
			active ? (opts.order === 'asc' ? ' ▲' : ' ▼') : ' ⇅')));
	}));
	const rows = tickets.map((tk) => h('tr', { 'data-number': tk.number },
	    opts.columns.map((name) => h('td', { 'data-label': t(`col.${name}`), class: `col-${name}` },
		COLUMNS[name].cell(tk)))));
	return h('div', { class: 'table-wrap' },
	    h('table', { class: 'tickets' },
		opts.caption ? h('caption', { class: 'visually-hidden' }, opts.caption) : null,
		h('thead', {}, head),
		h('tbody', {}, rows)));
}

/* "Page 2 of 5" with previous / next; onPage(n) changes the page. */
export function pager(page, perPage, total, onPage) {
	const pages = Math.max(1, Math.ceil(total / perPage));
	if (pages <= 1)
		return null;
	return h('nav', { class: 'pager', 'aria-label': t('pager.label') },
	    h('button', { type: 'button', class: 'button secondary', id: 'page-prev',
		disabled: page <= 1, onclick: () => onPage(page - 1) }, t('pager.prev')),
	    h('span', { class: 'pager-text' }, t('pager.text', { page: fmtNum(page), pages: fmtNum(pages) })),
	    h('button', { type: 'button', class: 'button secondary', id: 'page-next',
		disabled: page >= pages, onclick: () => onPage(page + 1) }, t('pager.next')));
}

/*
 * The attachment picker: a file input (several files), the list of chosen
 * files with their size and a remove button, and an error for a file over
 * the limit, which is then not kept. picker.files() gives the kept files;
 * picker.reset() empties it.
 */
export function attachmentPicker(idPrefix) {
	const inputId = uid(idPrefix || 'attach');
	const hintId = `${inputId}-hint`;
	let files = [];
	const list = h('ul', { class: 'file-list', 'aria-live': 'polite' });
	const errors = h('div', { class: 'file-errors' });
	const input = h('input', {
		type: 'file', id: inputId, multiple: true, 'aria-describedby': hintId
	});

	function draw() {
		list.replaceChildren(...files.map((f, i) => h('li', {},
		    h('span', { class: 'file-name' }, f.name),
		    h('span', { class: 'file-size' }, fmtSize(f.size)),
		    h('button', {
			type: 'button', class: 'link-button',
			'aria-label': t('attach.remove.label', { name: f.name }),
			onclick: () => {
				files.splice(i, 1);
				draw();
				input.focus();
			}
		    }, t('attach.remove')))));
		if (files.length > 0) {
			const total = files.reduce((s, f) => s + f.size, 0);
			list.append(h('li', { class: 'file-total' },
			    tn('attach.total', files.length, { size: fmtSize(total) })));
		}
	}

	input.addEventListener('change', () => {
		errors.replaceChildren();
		for (const f of input.files) {
			if (f.size > limits.maxUpload) {
				errors.append(message('error', t('attach.toobig', {
					name: f.name, size: fmtSize(f.size), max: fmtSize(limits.maxUpload)
				})));
			} else if (f.size === 0) {
				errors.append(message('error', t('attach.empty', { name: f.name })));
			} else {
				files.push(f);
			}
		}
		input.value = '';
		draw();
	});

	const el = h('div', { class: 'field attachments' },
	    h('label', { for: inputId }, t('attach.label')),
	    h('p', { class: 'hint', id: hintId }, t('attach.hint', { max: fmtSize(limits.maxUpload) })),
	    input, errors, list);
	return {
		el,
		files: () => files.slice(),
		reset() {
			files = [];
			errors.replaceChildren();
			draw();
		},
	};
}

/*
 * Upload files one by one (POST /uploads), telling progress(text); resolves
 * to the upload ids. A file over the limit never gets here.
 */
export async function uploadAll(files, progress) {
	const ids = [];
	for (let i = 0; i < files.length; i++) {
		progress(t('attach.uploading', { i: i + 1, n: files.length, name: files[i].name }));
		const up = await upload(files[i]);
		ids.push(up.id);
	}
	return ids;
}
