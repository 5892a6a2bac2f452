/*
 * The admins' reports page: the router's entry point; the page itself is
 * reports.js (charts in chart.js, styles in reports.css).
 */
export { renderReports } from './reports.js';
