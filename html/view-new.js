/*
 * "Nouveau ticket": report an anomaly. The seven axes of the user guide with
 * a one-line explanation each, the priority (chosen by severity and
 * urgency), title, description, the ordonnateur / sous-ordonnateur / SEGMA
 * concerned (optional), attachments. Files are uploaded first (POST
 * /uploads; the size limit is checked before), then the ticket is created
 * with an Idempotency-Key so that a retried click never makes two tickets,
 * and the user goes straight to the new ticket.
 */
import { api } from './api.js';
import { h, message, randomKey } from './dom.js';
import { t } from './i18n.js';
import { ref, queueName, queueDescription, priorityName, errorText, needReference } from './state.js';
import { attachmentPicker, uploadAll, ticketHref } from './widgets.js';

const TITLE_MAX = 255;

export async function renderNewTicket(ctx) {
	await needReference();
	const idempotencyKey = randomKey();
	const status = h('div', { id: 'new-status' });

	const axes = h('fieldset', { class: 'axes', id: 'new-queue', 'aria-describedby': 'new-queue-error' },
	    h('legend', {}, t('new.queue'), h('span', { class: 'required' }, ' *')),
	    h('p', { class: 'field-error', id: 'new-queue-error', hidden: true }),
	    h('ul', { class: 'choice-list' }, ref.queues.map((q) => {
		const id = `queue-${q.code}`;
		const descId = `${id}-desc`;
		return h('li', {},
		    h('input', { type: 'radio', name: 'queue', id, value: q.code, 'aria-describedby': descId }),
		    h('label', { for: id },
			h('span', { class: 'choice-name' }, queueName(q)),
			h('span', { class: 'choice-desc', id: descId }, queueDescription(q))));
	    })));

	const prioSelect = h('select', { id: 'new-priority', name: 'priority', 'aria-describedby': 'new-priority-hint' },
	    ref.priorities.map((p) => h('option', { value: String(p.id), selected: p.id === 3 }, priorityName(p))));
	const title = h('input', { type: 'text', id: 'new-title', name: 'title', maxlength: TITLE_MAX,
	    required: true, 'aria-describedby': 'new-title-error', autocomplete: 'off' });
	const body = h('textarea', { id: 'new-body', name: 'body', rows: 10, required: true,
	    'aria-describedby': 'new-body-hint new-body-error' });
	const requester = h('input', { type: 'text', id: 'new-requester', name: 'requester',
	    maxlength: 255, 'aria-describedby': 'new-requester-hint', autocomplete: 'off' });
	const picker = attachmentPicker('new-attach');
	const submit = h('button', { type: 'submit', class: 'button primary', id: 'new-submit' }, t('new.submit'));

	const form = h('form', { class: 'ticket-form', id: 'new-form', novalidate: true },
	    h('p', { class: 'hint' }, t('new.required')),
	    axes,
	    h('div', { class: 'field' },
		h('label', { for: 'new-priority' }, t('new.priority')),
		h('p', { class: 'hint', id: 'new-priority-hint' }, t('new.priority.hint')),
		prioSelect),
	    h('div', { class: 'field' },
		h('label', { for: 'new-title' }, t('new.title'), h('span', { class: 'required' }, ' *')),
		title,
		h('p', { class: 'field-error', id: 'new-title-error', hidden: true })),
	    h('div', { class: 'field' },
		h('label', { for: 'new-body' }, t('new.body'), h('span', { class: 'required' }, ' *')),
		h('p', { class: 'hint', id: 'new-body-hint' }, t('new.body.hint')),
		body,
		h('p', { class: 'field-error', id: 'new-body-error', hidden: true })),
	    h('div', { class: 'field' },
		h('label', { for: 'new-requester' }, t('new.requester')),
		h('p', { class: 'hint', id: 'new-requester-hint' }, t('new.requester.hint')),
		requester),
	    picker.el,
	    status,
	    h('div', { class: 'actions' }, submit,
		h('a', { href: '#/tickets', class: 'button secondary' }, t('common.cancel'))));

	/* Show or clear the error of one field. */
	function fieldError(input, errId, text) {
		const el = form.querySelector(`#${errId}`);
		el.textContent = text || '';
		el.hidden = !text;
		if (text)
			input.setAttribute('aria-invalid', 'true');
		else
			input.removeAttribute('aria-invalid');
	}

	/* An error goes away as soon as its field is filled in. */
	title.addEventListener('input', () => {
		if (title.value.trim())
			fieldError(title, 'new-title-error', '');
	});
	body.addEventListener('input', () => {
		if (body.value.trim())
			fieldError(body, 'new-body-error', '');
	});
	axes.addEventListener('change', () => fieldError(axes, 'new-queue-error', ''));

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		status.replaceChildren();
		const queue = form.querySelector('input[name=queue]:checked');
		const vTitle = title.value.trim();
		const vBody = body.value.trim();
		fieldError(axes, 'new-queue-error', queue ? '' : t('new.error.queue'));
		fieldError(title, 'new-title-error', vTitle ? '' : t('new.error.title'));
		fieldError(body, 'new-body-error', vBody ? '' : t('new.error.body'));
		if (!queue || !vTitle || !vBody) {
			status.append(message('error', t('new.error.summary')));
			const first = !queue ? form.querySelector('input[name=queue]') : (!vTitle ? title : body);
			first.focus();
			return;
		}
		submit.disabled = true;
		form.setAttribute('aria-busy', 'true');
		const progress = h('p', { class: 'progress', role: 'status' });
		status.append(progress);
		try {
			const ids = await uploadAll(picker.files(), (s) => { progress.textContent = s; });
			progress.textContent = t('new.creating');
			const req = {
				title: vTitle, queue: queue.value, priority: Number(prioSelect.value), body: vBody
			};
			if (requester.value.trim())
				req.requester = requester.value.trim();
			if (ids.length)
				req.attachments = ids;
			const r = await api('POST', '/tickets', { body: req, idempotencyKey });
			location.hash = ticketHref(r.ticket.number);
		} catch (e) {
			status.replaceChildren(message('error', errorText(e)));
			submit.disabled = false;
			form.removeAttribute('aria-busy');
		}
	});

	ctx.show(h('section', { class: 'view new-view' },
	    h('h1', {}, t('new.heading')),
	    h('p', { class: 'lead' }, t('new.intro')),
	    form), t('new.heading'));
}
