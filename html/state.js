/*
 * What the portal knows between pages: the logged-in user, and the reference
 * lists (queues = the seven axes, priorities, states, and for agents the
 * agents and organisations), loaded once after login. Also the labels of
 * those, in the user's language, and the text of API errors.
 */
import { api, ApiError } from './api.js';
import { t, has, getLang } from './i18n.js';

export const session = { user: null };
export const ref = { queues: [], priorities: [], states: [], agents: null, organisations: null };

/*
 * The sizes the daemon accepts ([tickets] in its configuration), from the
 * replies of POST /session and GET /me; its defaults until then.
 */
export const limits = { maxUpload: 10 * 1024 * 1024 };

export function setLimits(l) {
	if (l && Number.isInteger(l.max_attachment_size))
		limits.maxUpload = l.max_attachment_size;
}

function roles() {
	return (session.user && session.user.roles) || [];
}

export function isReferent() {
	return roles().includes('referent');
}

/* Admins can do what agents do. */
export function isAgent() {
	return roles().includes('agent') || roles().includes('admin');
}

export function isAdmin() {
	return roles().includes('admin');
}

export function roleLabels() {
	return roles().map((r) => t(`role.${r}`));
}

/*
 * Queues, priorities and states, loaded after login. A failure is not fatal
 * here (the header and the page still draw); the views that need the lists
 * call needReference(), which tries again and reports the error.
 */
export async function loadReference() {
	try {
		await fetchReference();
	} catch (e) {
		if (e instanceof ApiError && e.status === 401)
			throw e;
		console.warn('reference lists not loaded', e);
	}
}

export async function needReference() {
	if (ref.queues.length === 0 || ref.priorities.length === 0 || ref.states.length === 0)
		await fetchReference();
}

async function fetchReference() {
	const [q, p, s] = await Promise.all([
		api('GET', '/queues'), api('GET', '/priorities'), api('GET', '/states')]);
	ref.queues = q.queues || [];
	ref.priorities = p.priorities || [];
	ref.states = s.states || [];
	ref.agents = null;
	ref.organisations = null;
}

/* Agents and organisations, for the agent's filters and owner menu. */
export async function loadAgentLists() {
	if (ref.agents && ref.organisations)
		return;
	/* Secondary lists: a failure leaves a shorter menu, not a broken page. */
	const soft = (p) => p.catch((e) => {
		if (e instanceof ApiError && e.status === 401)
			throw e;
		console.warn('could not load a list', e);
		return {};
	});
	const [a, o] = await Promise.all([
		soft(api('GET', '/agents')), soft(api('GET', '/organisations'))]);
	ref.agents = a.agents || [];
	ref.organisations = o.organisations || [];
}

export async function reloadQueues() {
	const q = await api('GET', '/queues');
	ref.queues = q.queues || [];
	return ref.queues;
}

/*
 * An axis's name: in French the server's name (admins may rename an axis),
 * in English the catalogue's name for the seven known codes.
 */
export function queueName(q) {
	if (!q)
		return '';
	if (getLang() !== 'fr' && has(`queue.${q.code}`))
		return t(`queue.${q.code}`);
	const known = q.name ? q : ref.queues.find((x) => x.code === q.code);
	if (known && known.name)
		return known.name;
	return has(`queue.${q.code}`) ? t(`queue.${q.code}`) : q.code;
}

/* The one-line explanation of an axis. */
export function queueDescription(q) {
	if (has(`queue.${q.code}.desc`))
		return t(`queue.${q.code}.desc`);
	return q.description || '';
}

export function priorityName(p) {
	if (!p)
		return '';
	const id = typeof p === 'object' ? p.id : p;
	if (has(`priority.${id}`))
		return t(`priority.${id}`);
	return typeof p === 'object' ? p.name : String(p);
}

export function stateName(s) {
	if (!s)
		return '';
	const name = typeof s === 'object' ? s.name : s;
	const key = `state.${name.replace(/ /g, '_')}`;
	return has(key) ? t(key) : name;
}

export function stateTypeName(type) {
	return has(`statetype.${type}`) ? t(`statetype.${type}`) : type;
}

/* Closed or merged: the ticket no longer waits for anyone. */
export function isClosed(ticket) {
	const type = ticket.state && ticket.state.type;
	return type === 'closed' || type === 'merged';
}

/* The text for an API error, by its code. */
export function errorText(e) {
	if (e instanceof ApiError) {
		if (e.code === 'bad_request' && e.message)
			return t('error.bad_request.detail', { detail: e.message });
		const key = `error.${e.code}`;
		if (has(key))
			return t(key);
		return t('error.generic', { code: e.status ? `${e.status} ${e.code}` : e.code });
	}
	return t('error.generic', { code: String((e && e.message) || e) });
}
