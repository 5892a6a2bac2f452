/*
 * The admins' reports page (#/reports?from=&to=&queue=&by=): a period and
 * an axis, then every report of GET /api/v1/reports/NAME for them. Tickets
 * created and closed over time and the open backlog by age are charts
 * (chart.js, SVG); the other reports are tables. Each section has the
 * CSV of its report (the same rows, for a spreadsheet). Days are UTC days,
 * as the server counts them (README, "Reports").
 */
import { api, ApiError } from './api.js';
import { h, fmtNum, message } from './dom.js';
import { t, getLang } from './i18n.js';
import { ref, queueName, priorityName, stateName, needReference, errorText } from './state.js';
import { lineChart, stackedBars } from './chart.js';

const DAY = 86400000;
/* Rows shown in a list before "download the CSV for all". */
const LIST_MAX = 100;
const AGES = ['lt_1d', 'd1_3', 'd3_7', 'd7_30', 'gt_30d'];

/* "YYYY-MM-DD" of a Date, in UTC. */
function iso(d) {
	return d.toISOString().slice(0, 10);
}

function parseDay(s) {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s || ''))
		return null;
	const d = new Date(`${s}T00:00:00Z`);
	return Number.isNaN(d.getTime()) || iso(d) !== s ? null : d;
}

/* The period and axis of the page, from the hash (defaults: the last 30 days). */
function optionsOf(query) {
	const today = new Date(Math.floor(Date.now() / DAY) * DAY);
	let to = parseDay(query.get('to')) || today;
	let from = parseDay(query.get('from')) || new Date(to.getTime() - 29 * DAY);
	if (from > to)
		[from, to] = [to, from];
	const queue = /^[A-Za-z0-9_-]{1,32}$/.test(query.get('queue') || '') ? query.get('queue') : '';
	const by = ['day', 'week', 'month'].includes(query.get('by')) ? query.get('by') : '';
	return { from: iso(from), to: iso(to), queue, by };
}

/* The granularity of the created/closed chart: chosen, or by the length. */
function bucketOf(o) {
	if (o.by)
		return o.by;
	const days = (parseDay(o.to) - parseDay(o.from)) / DAY + 1;
	return days <= 62 ? 'day' : days <= 366 ? 'week' : 'month';
}

function reportsHash(o) {
	const q = new URLSearchParams();
	for (const k of ['from', 'to', 'queue', 'by']) {
		if (o[k])
			q.set(k, o[k]);
	}
	return `#/reports?${q.toString()}`;
}

/* The URL of a report's CSV for the page's period and axis. */
export function csvUrl(name, o) {
	const q = new URLSearchParams({ from: o.from, to: o.to, format: 'csv' });
	if (o.queue)
		q.set('queue', o.queue);
	return `/api/v1/reports/${encodeURIComponent(name)}?${q.toString()}`;
}

/* 93784 -> "1 j 2 h" (fr) or "1 d 2 h" (en): two units at most. */
export function fmtDuration(sec) {
	if (sec === null || sec === undefined)
		return '—';
	const n = Math.round(Number(sec));
	if (n < 60)
		return `${n} ${t('reports.unit.s')}`;
	const parts = [[Math.floor(n / 86400), 'd'], [Math.floor((n % 86400) / 3600), 'h'],
		[Math.floor((n % 3600) / 60), 'min']];
	const first = parts.findIndex(([v]) => v > 0);
	return parts.slice(first, first + 2).filter(([v]) => v > 0)
	    .map(([v, u]) => `${fmtNum(v)} ${t(`reports.unit.${u}`)}`).join(' ');
}

function fmtDay(s) {
	const d = parseDay(s);
	if (!d)
		return s || '';
	return new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR',
	    { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/* "2026-11-30T23:59:59Z" shown in UTC, as the reports count. */
function fmtTime(s) {
	const d = new Date(s);
	if (!s || Number.isNaN(d.getTime()))
		return s || '';
	return `${new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR',
	    { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
}

/* One report's rows as objects by column name. */
function objects(doc) {
	return doc.rows.map((r) => Object.fromEntries(doc.columns.map((c, i) => [c, r[i]])));
}

function fetchReport(name, o) {
	const query = { from: o.from, to: o.to };
	if (o.queue)
		query.queue = o.queue;
	return api('GET', `/reports/${encodeURIComponent(name)}`, { query });
}

/* A section: heading, what it shows, its CSV link, then body (or an error). */
function section(id, name, o, body) {
	return h('section', { class: 'report', id: `report-${id}`, 'aria-labelledby': `report-${id}-title` },
	    h('div', { class: 'section-head' },
		h('h2', { id: `report-${id}-title` }, t(`reports.${id}.title`)),
		h('a', { class: 'button secondary csv-link', id: `csv-${id}`, href: csvUrl(name, o),
		    download: '', 'aria-label': t('reports.csv.label', { title: t(`reports.${id}.title`) }) },
		    t('reports.csv'))),
	    h('p', { class: 'hint' }, t(`reports.${id}.hint`)),
	    body);
}

/* A table with numbers right-aligned: cols [{key, label, num, cell}]. */
function table(id, cols, rows, caption) {
	return h('div', { class: 'table-wrap' },
	    h('table', { class: 'report-table', id: `table-${id}` },
		h('caption', { class: 'visually-hidden' }, caption),
		h('thead', {}, h('tr', {}, cols.map((c) =>
		    h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
		h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c, i) => {
			const v = c.cell ? c.cell(r) : r[c.key];
			const text = c.num && typeof v === 'number' ? fmtNum(v) : v;
			return h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null,
			    'data-label': c.label, class: c.num ? 'num' : null }, text);
		}))))));
}

function empty(id) {
	return h('p', { class: 'empty', id: `empty-${id}` }, t('reports.empty'));
}

function failed(e) {
	if (e instanceof ApiError && e.code === 'too_many_rows')
		return message('warning', t('reports.toomany'));
	return message('error', errorText(e));
}

function queueLabel(r) {
	return queueName({ code: r.queue, name: r.queue_name });
}

/* All buckets of the period (every day, Monday or first of month), so that gaps show. */
function buckets(o, by) {
	const out = [];
	const from = parseDay(o.from), to = parseDay(o.to);
	let d = new Date(from);
	if (by === 'week')
		d = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);
	if (by === 'month')
		d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
	while (d <= to && out.length < 2000) {
		out.push(iso(d));
		if (by === 'day')
			d = new Date(d.getTime() + DAY);
		else if (by === 'week')
			d = new Date(d.getTime() + 7 * DAY);
		else
			d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
	}
	return out;
}

function bucketLabel(key, by) {
	const d = parseDay(key);
	const lang = getLang() === 'en' ? 'en-GB' : 'fr-FR';
	if (by === 'month')
		return new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
	return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/* Created vs closed (and reopened) per bucket, summed over axes and priorities. */
function activitySection(o, doc, go) {
	const by = bucketOf(o);
	const name = { day: 'activity_daily', week: 'activity_weekly', month: 'activity_monthly' }[by];
	if (doc instanceof Error)
		return section('activity', name, o, failed(doc));
	const key = { day: 'day', week: 'week_start', month: 'month' }[by];
	const keys = buckets(o, by);
	const sums = new Map(keys.map((k) => [k, { created: 0, closed: 0, reopened: 0, ko: 0 }]));
	for (const r of objects(doc)) {
		const sum = sums.get(r[key]);
		if (!sum)
			continue;
		sum.created += r.created;
		sum.closed += r.closed;
		sum.reopened += r.reopened;
		sum.ko += r.closed_unsuccessful;
	}
	const totals = [...sums.values()].reduce((a, v) => ({ created: a.created + v.created,
	    closed: a.closed + v.closed, reopened: a.reopened + v.reopened, ko: a.ko + v.ko }),
	{ created: 0, closed: 0, reopened: 0, ko: 0 });
	const labels = keys.map((k) => bucketLabel(k, by));
	const series = [
		{ name: t('reports.activity.created'), cls: 'created', values: keys.map((k) => sums.get(k).created) },
		{ name: t('reports.activity.closed'), cls: 'closed', values: keys.map((k) => sums.get(k).closed) },
	];
	const chart = lineChart(labels, series, {
		fmt: fmtNum,
		title: t('reports.activity.chart', { by: t(`reports.by.${by}`) }),
		desc: t('reports.activity.desc', { from: fmtDay(o.from), to: fmtDay(o.to),
		    created: fmtNum(totals.created), closed: fmtNum(totals.closed) })
	});
	const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
	    series.map((se) => h('li', {}, h('span', { class: `swatch swatch-${se.cls}` }), se.name)));
	const summary = h('p', { class: 'counts', id: 'activity-totals' },
	    t('reports.activity.totals', { created: fmtNum(totals.created), closed: fmtNum(totals.closed),
		reopened: fmtNum(totals.reopened), ko: fmtNum(totals.ko) }));
	const picker = h('div', { class: 'field by-field' },
	    h('label', { for: 'report-by' }, t('reports.by.label')),
	    h('select', { id: 'report-by', onchange: (ev) => go({ by: ev.target.value }) }, [['', t('reports.by.auto')], ['day', t('reports.by.day')], ['week', t('reports.by.week')],
		['month', t('reports.by.month')]].map(([v, l]) => h('option', { value: v, selected: v === o.by }, l))));
	const details = h('details', { class: 'chart-data' },
	    h('summary', {}, t('reports.data')),
	    table('activity', [
		{ key: 'label', label: t(`reports.by.${by}`) },
		{ key: 'created', label: t('reports.activity.created'), num: true },
		{ key: 'closed', label: t('reports.activity.closed'), num: true },
		{ key: 'ko', label: t('reports.col.closed_unsuccessful'), num: true },
		{ key: 'reopened', label: t('reports.col.reopened'), num: true },
	    ], keys.map((k, i) => ({ label: labels[i], ...sums.get(k) })), t('reports.activity.title')));
	return section('activity', name, o,
	    h('div', {}, picker, summary, h('div', { class: 'chart-box' }, chart), legend, details));
}

function backlogSection(o, doc) {
	if (doc instanceof Error)
		return section('backlog', 'backlog', o, failed(doc));
	const rows = objects(doc);
	if (rows.length === 0)
		return section('backlog', 'backlog', o, empty('backlog'));
	const parts = AGES.map((a, i) => ({ name: t(`reports.age.${a}`), cls: `age${i}` }));
	const chart = stackedBars(rows.map((r) => ({ label: queueLabel(r), values: AGES.map((a) => r[a]) })),
	    parts, { fmt: fmtNum, title: t('reports.backlog.title'),
		desc: t('reports.backlog.desc', { n: fmtNum(rows.reduce((a, r) => a + r.total, 0)) }) });
	const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
	    parts.map((p) => h('li', {}, h('span', { class: `swatch swatch-${p.cls}` }), p.name)));
	return section('backlog', 'backlog', o, h('div', {},
	    h('div', { class: 'chart-box' }, chart), legend,
	    table('backlog', [
		{ key: 'queue', label: t('col.queue'), cell: queueLabel },
		...AGES.map((a) => ({ key: a, label: t(`reports.age.${a}`), num: true })),
		{ key: 'total', label: t('reports.col.total'), num: true },
	    ], rows, t('reports.backlog.title'))));
}

function timesSection(id, name, o, doc) {
	if (doc instanceof Error)
		return section(id, name, o, failed(doc));
	const rows = objects(doc);
	return section(id, name, o, rows.length === 0 ? empty(id) : table(id, [
		{ key: 'queue', label: t('col.queue'), cell: queueLabel },
		{ key: 'priority', label: t('col.priority'), cell: (r) => priorityName(r.priority) },
		{ key: 'tickets', label: t('reports.col.tickets'), num: true },
		{ key: 'median_seconds', label: t('reports.col.median'), num: true,
		    cell: (r) => fmtDuration(r.median_seconds) },
		{ key: 'p90_seconds', label: t('reports.col.p90'), num: true,
		    cell: (r) => fmtDuration(r.p90_seconds) },
	], rows, t(`reports.${id}.title`)));
}

function organisationsSection(o, doc) {
	if (doc instanceof Error)
		return section('organisations', 'organisations', o, failed(doc));
	const rows = objects(doc);
	return section('organisations', 'organisations', o, rows.length === 0 ? empty('organisations') :
	    table('organisations', [
		{ key: 'organisation', label: t('col.organisation'),
		    cell: (r) => r.organisation === null ? t('reports.none') : r.organisation },
		{ key: 'opened', label: t('reports.col.opened'), num: true },
		{ key: 'open_now', label: t('reports.col.open_now'), num: true },
		{ key: 'closed', label: t('reports.col.closed'), num: true },
		{ key: 'median_resolution_seconds', label: t('reports.col.median_resolution'), num: true,
		    cell: (r) => fmtDuration(r.median_resolution_seconds) },
	    ], rows, t('reports.organisations.title')));
}

function agentsSection(o, doc) {
	if (doc instanceof Error)
		return section('agents', 'agents', o, failed(doc));
	const rows = objects(doc);
	return section('agents', 'agents', o, rows.length === 0 ? empty('agents') : table('agents', [
		{ key: 'name', label: t('reports.col.agent'), cell: (r) => r.name || r.login },
		{ key: 'open_owned', label: t('reports.col.open_owned'), num: true },
		{ key: 'replies', label: t('reports.col.replies'), num: true },
		{ key: 'notes', label: t('reports.col.notes'), num: true },
		{ key: 'closed', label: t('reports.col.closings'), num: true },
	], rows, t('reports.agents.title')));
}

/* A list of tickets (reopened, closed unsuccessful): the first LIST_MAX rows. */
function listSection(id, name, o, doc, cols) {
	if (doc instanceof Error)
		return section(id, name, o, failed(doc));
	const rows = objects(doc);
	if (rows.length === 0)
		return section(id, name, o, empty(id));
	const number = { key: 'number', label: t('col.number'),
	    cell: (r) => h('a', { href: `#/tickets/${encodeURIComponent(r.number)}`, class: 'ticket-number' }, r.number) };
	return section(id, name, o, h('div', {},
	    h('p', { class: 'counts' }, t('reports.list.count', { n: fmtNum(rows.length) })),
	    table(id, [number, ...cols], rows.slice(0, LIST_MAX), t(`reports.${id}.title`)),
	    rows.length > LIST_MAX ? h('p', { class: 'hint' }, t('reports.list.more', { n: fmtNum(LIST_MAX) })) : null));
}

/* The period and axis form, with a few ready-made periods. */
function periodForm(o, go) {
	const errors = h('div', { id: 'period-errors' });
	const from = h('input', { type: 'date', id: 'period-from', name: 'from', value: o.from, required: true });
	const to = h('input', { type: 'date', id: 'period-to', name: 'to', value: o.to, required: true });
	const queue = h('select', { id: 'period-queue', name: 'queue' },
	    h('option', { value: '' }, t('reports.queue.all')),
	    ref.queues.map((q) => h('option', { value: q.code, selected: q.code === o.queue }, queueName(q))));
	const form = h('form', { class: 'filters period-form', id: 'period-form', novalidate: true,
	    'aria-label': t('reports.period.label') },
	    h('div', { class: 'field' }, h('label', { for: 'period-from' }, t('reports.period.from')), from),
	    h('div', { class: 'field' }, h('label', { for: 'period-to' }, t('reports.period.to')), to),
	    h('div', { class: 'field' }, h('label', { for: 'period-queue' }, t('col.queue')), queue),
	    h('div', { class: 'field period-submit' },
		h('button', { type: 'submit', class: 'button primary', id: 'period-apply' }, t('reports.period.apply'))),
	    errors);
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		errors.replaceChildren();
		const f = parseDay(from.value), tt = parseDay(to.value);
		for (const el of [from, to])
			el.removeAttribute('aria-invalid');
		if (!f || !tt || f > tt) {
			const bad = !f ? from : to;
			bad.setAttribute('aria-invalid', 'true');
			errors.append(h('p', { class: 'field-error', role: 'alert' },
			    !f || !tt ? t('reports.period.invalid') : t('reports.period.order')));
			bad.focus();
			return;
		}
		go({ from: from.value, to: to.value, queue: queue.value });
	});
	const today = new Date(Math.floor(Date.now() / DAY) * DAY);
	const y = today.getUTCFullYear(), m = today.getUTCMonth();
	const presets = [
		['7', new Date(today.getTime() - 6 * DAY), today],
		['30', new Date(today.getTime() - 29 * DAY), today],
		['month', new Date(Date.UTC(y, m, 1)), today],
		['lastmonth', new Date(Date.UTC(y, m - 1, 1)), new Date(Date.UTC(y, m, 0))],
		['year', new Date(Date.UTC(y - 1, m, today.getUTCDate() + 1)), today],
	];
	const quick = h('p', { class: 'presets', id: 'period-presets' },
	    h('span', { class: 'presets-label' }, t('reports.preset.label')),
	    presets.map(([k, f, tt]) => h('button', { type: 'button', class: 'link-button', id: `preset-${k}`,
		onclick: () => go({ from: iso(f), to: iso(tt) }) }, t(`reports.preset.${k}`))));
	return h('div', {}, form, quick);
}

/* Load a stylesheet of ours once (CSP style-src 'self': a <link>, never a style attribute). */
function loadStyles() {
	if (document.getElementById('reports-css'))
		return Promise.resolve();
	const link = h('link', { rel: 'stylesheet', href: 'reports.css', id: 'reports-css' });
	const done = new Promise((resolve) => {
		link.addEventListener('load', resolve, { once: true });
		link.addEventListener('error', resolve, { once: true });
		setTimeout(resolve, 2000);
	});
	document.head.append(link);
	return done;
}

export async function renderReports(ctx) {
	const o = optionsOf(ctx.query);
	const by = bucketOf(o);
	const go = (patch) => ctx.navigate(reportsHash({ ...o, ...patch }));
	const names = [{ day: 'activity_daily', week: 'activity_weekly', month: 'activity_monthly' }[by],
		'backlog', 'response_times', 'resolution_times', 'organisations', 'agents', 'reopened',
		'closed_unsuccessful'];
	await Promise.all([loadStyles(), needReference()]);
	const docs = await Promise.all(names.map((n) => fetchReport(n, o).catch((e) => {
		if (e instanceof ApiError && e.status === 401)
			throw e;
		return e instanceof Error ? e : new Error(String(e));
	})));
	const [activity, backlog, response, resolution, orgs, agents, reopened, unsuccessful] = docs;
	const axis = o.queue ? queueName(ref.queues.find((q) => q.code === o.queue) || { code: o.queue }) :
	    t('reports.queue.all');
	ctx.show(h('section', { class: 'view reports-view', id: 'reports' },
	    h('h1', {}, t('reports.title')),
	    h('p', { class: 'lead' }, t('reports.intro')),
	    periodForm(o, go),
	    h('p', { class: 'period-now', id: 'period-now', role: 'status' },
		t('reports.period.now', { from: fmtDay(o.from), to: fmtDay(o.to), queue: axis })),
	    activitySection(o, activity, go),
	    backlogSection(o, backlog),
	    timesSection('response', 'response_times', o, response),
	    timesSection('resolution', 'resolution_times', o, resolution),
	    organisationsSection(o, orgs),
	    agentsSection(o, agents),
	    listSection('reopened', 'reopened', o, reopened, [
		{ key: 'reopened', label: t('reports.col.when'), cell: (r) => fmtTime(r.reopened) },
		{ key: 'queue', label: t('col.queue'), cell: queueLabel },
		{ key: 'by_login', label: t('reports.col.by') },
		{ key: 'from_state', label: t('reports.col.from_state'), cell: (r) => stateName(r.from_state) },
		{ key: 'to_state', label: t('reports.col.to_state'), cell: (r) => stateName(r.to_state) },
	    ]),
	    listSection('unsuccessful', 'closed_unsuccessful', o, unsuccessful, [
		{ key: 'closed', label: t('col.closed'), cell: (r) => fmtTime(r.closed) },
		{ key: 'queue', label: t('col.queue'), cell: queueLabel },
		{ key: 'organisation', label: t('col.organisation'), cell: (r) => r.organisation || t('reports.none') },
		{ key: 'owner', label: t('col.owner'), cell: (r) => r.owner || t('ticket.nobody') },
		{ key: 'resolution_seconds', label: t('reports.col.resolution'), num: true,
		    cell: (r) => fmtDuration(r.resolution_seconds) },
	    ])), t('reports.title'));
}
