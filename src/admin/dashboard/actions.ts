/**
 * Wake, sleep and keep-awake from the dashboard: the calls, the buttons' state while a call is
 * out (per environment), the "Keep awake" menu of the list rows and the notice that reports what
 * came of a call. Keeping awake an environment that is not up also wakes it. An answer's view is
 * applied at once (`applyView`, in the main part); the event stream brings every step in between.
 */
export const ACTIONS_SCRIPT = String.raw`
/** Environment id → the action whose call is out. */
var pending = {};
var LABELS = { wake: 'Wake', sleep: 'Sleep', keep: 'Keep awake', unkeep: 'Stop keeping awake' };
function keptUntil(view) {
  var until = view && view.keepAwake ? ms(view.keepAwake.until) : null;
  return until !== null && until > now() ? until : null;
}
/** Sets a set of buttons ({ wake, sleep, keep, keep1h, …, unkeep }) from a view and the pending call. */
function syncButtons(buttons, view) {
  var busy = pending[view.id];
  var fixed = view.kind === 'static';
  var why = fixed ? 'A static environment is always up: wakegate does not wake or stop it' : '';
  function set(b, disabled, label, title, isBusy) {
    if (!b) return;
    b.disabled = disabled;
    if (b.textContent !== label) b.textContent = label;
    // Row buttons name their environment: "Wake hello", not one of fifty "Wake" buttons.
    if (b.dataset.env) b.setAttribute('aria-label', label + ' ' + b.dataset.env);
    b.title = title || '';
    if (isBusy) b.setAttribute('aria-busy', 'true'); else b.removeAttribute('aria-busy');
  }
  var waking = busy === 'wake' || view.phase === 'waking';
  set(buttons.wake, fixed || Boolean(busy) || view.phase === 'awake' || view.phase === 'waking', waking ? 'Waking…' : 'Wake', why || (view.phase === 'awake' ? 'It is awake' : ''), busy === 'wake');
  var sleeping = busy === 'sleep' || view.phase === 'sleeping';
  set(buttons.sleep, fixed || Boolean(busy) || view.phase === 'asleep' || view.phase === 'sleeping', sleeping ? 'Sleeping…' : 'Sleep', why || (view.phase === 'asleep' ? 'It is asleep' : ''), busy === 'sleep');
  ['keep', 'keep1h', 'keep4h', 'keep8h'].forEach(function (k) {
    if (!buttons[k]) return;
    set(buttons[k], fixed || Boolean(busy), buttons[k].dataset.label || 'Keep awake', why, busy === 'keep' && k === 'keep');
  });
  if (buttons.unkeep) {
    buttons.unkeep.hidden = keptUntil(view) === null;
    set(buttons.unkeep, fixed || Boolean(busy), 'Stop keeping awake', '', busy === 'unkeep');
  }
}
function act(id, action, duration) {
  if (pending[id]) return;
  pending[id] = action;
  refreshButtons(id);
  var call = action === 'wake' ? write('POST', envPath(id, 'wake'))
    : action === 'sleep' ? write('POST', envPath(id, 'sleep'))
    : action === 'keep' ? write('POST', envPath(id, 'keep-awake'), { for: duration, by: 'dashboard' })
    : write('DELETE', envPath(id, 'keep-awake'));
  call.then(function (view) {
    delete pending[id];
    if (view && view.id === id) applyView(view);
    else refreshButtons(id);
    if (action === 'keep') {
      var until = keptUntil(view);
      // The wish does not wake it: like "wakegate keep-awake", wake it when it is not up.
      var wake = view && view.phase !== 'awake' && view.phase !== 'waking';
      notify((until === null ? id + ': keep-awake recorded' : id + ' is kept awake until ' + hhmm(until)) + (wake ? '; waking it.' : '.'));
      if (wake) act(id, 'wake');
    } else if (action === 'unkeep') notify(id + ' is no longer kept awake.');
    else if (action === 'sleep') notify(id + ' is asleep.');
  }, function (error) {
    delete pending[id];
    refreshButtons(id);
    if (!error.cancelled) notify(LABELS[action] + ' ' + id + ': ' + error.message, 'error');
  });
}

var menu = null, menuFor = null, menuOpener = null;
function openMenu(opener, id) {
  if (menuFor !== null) closeMenu(false);
  menuFor = id;
  menuOpener = opener;
  var view = viewOf(id);
  menu.querySelector('[data-cancel]').hidden = keptUntil(view) === null;
  menu.hidden = false;
  var box = opener.getBoundingClientRect();
  var top = box.bottom + window.scrollY + 4;
  if (box.bottom + menu.offsetHeight + 8 > window.innerHeight) top = box.top + window.scrollY - menu.offsetHeight - 4;
  menu.style.left = Math.max(8, box.right + window.scrollX - menu.offsetWidth) + 'px';
  menu.style.top = Math.max(8, top) + 'px';
  opener.setAttribute('aria-expanded', 'true');
  menu.querySelector('button:not([hidden])').focus();
}
function closeMenu(focusOpener) {
  if (menuFor === null) return;
  menu.hidden = true;
  menuOpener.setAttribute('aria-expanded', 'false');
  if (focusOpener) menuOpener.focus();
  menuFor = null;
  menuOpener = null;
}
function setUpMenu() {
  menu = $('keep-menu');
  menu.addEventListener('click', function (event) {
    var item = event.target.closest('button');
    if (!item || menuFor === null) return;
    var id = menuFor;
    closeMenu(true);
    if (item.dataset.cancel) act(id, 'unkeep');
    else act(id, 'keep', item.dataset.for);
  });
  menu.addEventListener('keydown', function (event) {
    var items = Array.prototype.filter.call(menu.querySelectorAll('button'), function (b) { return !b.hidden; });
    var at = items.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      var next = (at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next].focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closeMenu(true);
    } else if (event.key === 'Tab') closeMenu(false);
  });
  document.addEventListener('click', function (event) {
    if (menuFor !== null && !menu.contains(event.target) && !menuOpener.contains(event.target)) closeMenu(false);
  });
  window.addEventListener('resize', function () { closeMenu(false); });
}

var noticeTimer = null;
function notify(text, kind) {
  var box = $('notice');
  $('notice-text').textContent = text;
  box.dataset.kind = kind || 'info';
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(function () { box.hidden = true; }, kind === 'error' ? 12000 : 5000);
}
`;
