/*
 * Two small charts drawn as SVG with DOM calls (no library, no inline
 * style: colours come from CSS classes in reports.css, geometry from SVG
 * attributes, so the portal's Content-Security-Policy holds): a line chart
 * of series over time and a horizontal stacked bar chart. Each is an
 * <svg role="img"> with a <title> and a <desc>; every point and segment
 * carries a <title> (the browser's tooltip), and the page shows the same
 * figures in tables next to it.
 */

const NS = 'http://www.w3.org/2000/svg';
let seq = 0;

/* An SVG element with attributes; strings and numbers become text. */
function s(tag, attrs, ...children) {
	const el = document.createElementNS(NS, tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v !== null && v !== undefined && v !== false)
			el.setAttribute(k, String(v));
	}
	for (const c of children.flat()) {
		if (c === null || c === undefined || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

/* The top of the y axis and its step: 1, 2 or 5 times a power of ten. */
export function niceScale(max, ticks = 4) {
	if (!(max > 0))
		return { top: ticks, step: 1 };
	const raw = max / ticks;
	const mag = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw);
	const whole = Math.max(1, Math.round(step));
	const st = step < 1 ? 1 : whole;
	return { top: Math.ceil(max / st) * st, step: st };
}

/* The frame every chart starts with: <svg> sized by its viewBox. */
function frame(width, height, title, desc, cls) {
	seq += 1;
	const tid = `chart-title-${seq}`, did = `chart-desc-${seq}`;
	return s('svg', {
		viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
		class: `chart ${cls}`, 'aria-labelledby': `${tid} ${did}`,
		preserveAspectRatio: 'xMinYMin meet', focusable: 'false'
	}, s('title', { id: tid }, title), s('desc', { id: did }, desc));
}

/*
 * A line chart. labels: the x values as shown; series: [{name, cls,
 * values}] with one value per label; fmt(n) formats numbers. opts.title
 * and opts.desc describe the chart for screen readers.
 */
export function lineChart(labels, series, opts) {
	const W = 820, H = 300, left = 56, right = 16, top = 16, bottom = 44;
	const fmt = opts.fmt || String;
	const svg = frame(W, H, opts.title, opts.desc, 'line-chart');
	const max = Math.max(0, ...series.flatMap((se) => se.values));
	const { top: ymax, step } = niceScale(max);
	const pw = W - left - right, ph = H - top - bottom;
	const n = labels.length;
	const x = (i) => left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
	const y = (v) => top + ph - (v / ymax) * ph;

	const grid = s('g', { class: 'grid' });
	for (let v = 0; v <= ymax; v += step) {
		grid.append(s('line', { x1: left, x2: W - right, y1: y(v), y2: y(v) }),
		    s('text', { x: left - 8, y: y(v) + 4, class: 'tick tick-y', 'text-anchor': 'end' }, fmt(v)));
	}
	svg.append(grid);
	const xs = s('g', { class: 'x-labels' });
	const every = Math.max(1, Math.ceil(n / 8));
	labels.forEach((l, i) => {
		/* The last label too, unless the one before is too close to it. */
		if (i % every === 0 || (i === n - 1 && i % every >= every / 2))
			xs.append(s('text', { x: x(i), y: H - bottom + 18, class: 'tick tick-x', 'text-anchor': 'middle' }, l));
	});
	svg.append(xs, s('line', { x1: left, x2: W - right, y1: y(0), y2: y(0), class: 'axis' }));
	for (const se of series) {
		const g = s('g', { class: `series series-${se.cls}` });
		if (n > 1)
			g.append(s('polyline', { points: se.values.map((v, i) => `${x(i)},${y(v)}`).join(' ') }));
		se.values.forEach((v, i) => g.append(s('circle', { cx: x(i), cy: y(v), r: n > 60 ? 2 : 3.5 },
		    s('title', {}, `${labels[i]} — ${se.name} : ${fmt(v)}`))));
		svg.append(g);
	}
	return svg;
}

/*
 * A horizontal stacked bar chart: one bar per row ({label, values}), the
 * segments in the order of parts ({name, cls}); each row's label above
 * its bar and its total after it.
 */
export function stackedBars(rows, parts, opts) {
	const W = 820, left = 8, right = 70, rowH = 46, top = 8;
	const H = top + rows.length * rowH + 8;
	const fmt = opts.fmt || String;
	const svg = frame(W, H, opts.title, opts.desc, 'bar-chart');
	const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
	const pw = W - left - right;
	rows.forEach((r, i) => {
		const y0 = top + i * rowH;
		const g = s('g', { class: 'bar-row' });
		g.append(s('text', { x: left, y: y0 + 13, class: 'bar-label' }, r.label));
		let x = left;
		const total = r.values.reduce((a, b) => a + b, 0);
		r.values.forEach((v, k) => {
			if (v <= 0)
				return;
			const w = Math.max(1, (v / max) * pw);
			g.append(s('rect', { x, y: y0 + 19, width: w, height: 20, class: `part part-${parts[k].cls}` },
			    s('title', {}, `${r.label} — ${parts[k].name} : ${fmt(v)}`)));
			if (w >= 28)
				g.append(s('text', { x: x + w / 2, y: y0 + 33, 'text-anchor': 'middle',
				    class: `part-value part-value-${parts[k].cls}` }, fmt(v)));
			x += w;
		});
		g.append(s('text', { x: x + 6, y: y0 + 33, class: 'bar-total' }, fmt(total)));
		svg.append(g);
	});
	return svg;
}
