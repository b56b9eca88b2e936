/* global document */
// Runs in the page: proves that scripts stored in a bag load and execute.
const status = document.getElementById('js-status');
status.textContent = 'JavaScript from the bag works.';
status.className = 'ok';
