/*
 * The language of the portal: French by default, English on request. Every
 * string shown lives in strings-fr.js or strings-en.js under one key; t()
 * looks it up and fills {placeholders}. The choice is remembered in
 * localStorage (for the login page) and, once logged in, on the server
 * (PATCH /api/v1/me), which wins at the next login.
 */
import fr from './strings-fr.js';
import en from './strings-en.js';

const CATALOGUES = { fr, en };
const STORAGE_KEY = 'gidhd.lang';
let lang = 'fr';

export const LANGS = ['fr', 'en'];

export function getLang() {
	return lang;
}

/* Switch the language of the page; unknown values are ignored. */
export function setLang(l, remember = true) {
	if (!LANGS.includes(l))
		return;
	lang = l;
	document.documentElement.lang = l;
	if (remember) {
		try {
			localStorage.setItem(STORAGE_KEY, l);
		} catch (e) {
			/* storage may be disabled: the choice lasts for this page */
		}
	}
}

/* The language remembered on this browser, or French. */
export function storedLang() {
	try {
		const l = localStorage.getItem(STORAGE_KEY);
		return LANGS.includes(l) ? l : 'fr';
	} catch (e) {
		return 'fr';
	}
}

/* t('tickets.count', {n: 3}): the string for key in the current language. */
export function t(key, params) {
	let s = CATALOGUES[lang][key];
	if (s === undefined)
		s = CATALOGUES.fr[key];
	if (s === undefined) {
		console.warn(`i18n: missing key ${key}`);
		return key;
	}
	if (params) {
		s = s.replace(/\{(\w+)\}/g, (m, name) =>
		    params[name] === undefined ? m : String(params[name]));
	}
	return s;
}

/* Whether key exists (used for optional per-code labels). */
export function has(key) {
	return CATALOGUES[lang][key] !== undefined || CATALOGUES.fr[key] !== undefined;
}

/* The "one" or "many" form of key for n (French counts 0 and 1 as one). */
export function tn(key, n, params) {
	const one = lang === 'fr' ? n <= 1 : n === 1;
	return t(`${key}.${one ? 'one' : 'many'}`, { n, ...params });
}
