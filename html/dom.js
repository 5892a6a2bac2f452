/*
 * Building the page without innerHTML: h() makes elements whose text always
 * goes in through text nodes, so data from the API can never become markup.
 * Also the small formatting helpers (dates, sizes) shared by the views.
 */
import { t, getLang } from './i18n.js';

/* Properties set as DOM properties rather than attributes. */
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected',
	'required', 'multiple', 'readOnly', 'htmlFor', 'tabIndex', 'open']);

/*
 * h('button', {class: 'x', onclick: fn, 'aria-expanded': 'false'}, 'text', el)
 * Strings and numbers become text nodes; null, undefined and false are skipped;
 * arrays are flattened.
 */
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
		else if (k === 'text')
			el.textContent = String(v);
		else if (k === 'for')
			el.htmlFor = v;
		else if (PROPS.has(k))
			el[k] = v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

/* Append children (text, nodes, arrays) to el. */
export function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

/* A unique id for label/aria pairs. */
let idSeq = 0;
export function uid(prefix) {
	idSeq += 1;
	return `${prefix || 'id'}-${idSeq}`;
}

/* "2026-12-04T16:12:35Z" -> "04/12/2026 17:12" in the user's language and zone. */
export function fmtDate(iso) {
	if (!iso)
		return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return String(iso);
	return new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR', {
		dateStyle: 'short', timeStyle: 'short'
	}).format(d);
}

/* The machine-readable form for <time datetime>. */
export function timeEl(iso) {
	return h('time', { datetime: iso || '' }, fmtDate(iso));
}

/* 1536 -> "1,5 Ko" (fr) or "1.5 KB" (en); powers of 1024. */
export function fmtSize(bytes) {
	const units = t('size.units').split(',');
	let n = Number(bytes) || 0, i = 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i += 1;
	}
	const digits = i === 0 || n >= 100 ? 0 : 1;
	const num = new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR', {
		maximumFractionDigits: digits
	}).format(n);
	return `${num} ${units[i]}`;
}

/* A number formatted for the language (thousands separators). */
export function fmtNum(n) {
	return new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR').format(n);
}

/* The first lines of a text, for the collapsed view of an exchange. */
export function firstLines(text, lines = 3, chars = 280) {
	const s = String(text || '');
	let out = s.split('\n').filter((l) => l.trim() !== '').slice(0, lines).join('\n');
	if (out.length > chars)
		out = out.slice(0, chars).trimEnd();
	return out.length < s.trim().length ? `${out} …` : out;
}

/* A message box: kind is 'error', 'success', 'info' or 'warning'. */
export function message(kind, ...children) {
	return h('div', {
		class: ['message', kind],
		role: kind === 'error' || kind === 'warning' ? 'alert' : 'status'
	}, ...children);
}

/* Random hex, for Idempotency-Key headers (works outside secure contexts). */
export function randomKey() {
	const a = new Uint8Array(16);
	crypto.getRandomValues(a);
	return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}
