/* global document */
// Runs in the page: proves scripts load and execute, and shows the cookies the site set.
const status = document.getElementById('js-status');
status.textContent = 'JavaScript works on a TON Site.';
status.className = 'ok';
document.getElementById('cookies').textContent = document.cookie || '(none yet)';
