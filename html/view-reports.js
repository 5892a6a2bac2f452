/*
 * The admins' reports page. The reports themselves (SQL views, CSV, charts)
 * come with the reporting feature; until then this page says so plainly and
 * shows no made-up figures.
 */
import { h } from './dom.js';
import { t } from './i18n.js';

export async function renderReports(ctx) {
	ctx.show(h('section', { class: 'view reports-view' },
	    h('h1', {}, t('reports.title')),
	    h('div', { class: 'message info', id: 'reports-placeholder', role: 'status' },
		h('p', {}, t('reports.placeholder')))), t('reports.title'));
}
