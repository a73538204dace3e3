/**
 * The dashboard's calls to the admin API: reads, and writes that carry the admin token. A write
 * answered 401 opens the token form (one at a time, shared by concurrent writes), keeps the token
 * in sessionStorage (this tab only) and retries; a refused token is forgotten and asked for again.
 */
export const API_SCRIPT = String.raw`
var TOKEN_KEY = 'wakegate.adminToken';
function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}
function storeToken(token) {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch (e) { /* storage unavailable: the token lasts until the next 401 */ }
  $('forget-token').hidden = storedToken() === null;
}
/** An Error from a problem document (RFC 9457): its detail, or its title, or the status. */
function problemOf(res) {
  return res.json().catch(function () { return {}; }).then(function (body) {
    var error = new Error((body && (body.detail || body.title)) || 'HTTP ' + res.status);
    error.status = res.status;
    throw error;
  });
}
function getJson(path, signal) {
  return fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store', signal: signal }).then(function (res) {
    return res.ok ? res.json() : problemOf(res);
  });
}
var tokenAsk = null;
/** Resolves with the token typed in, or null when the form is cancelled. */
function askToken(refused) {
  if (tokenAsk) return tokenAsk;
  var dialog = $('token-dialog'), form = $('token-form'), input = $('token-input'), reason = $('token-reason');
  reason.textContent = refused
    ? 'That token was not accepted. Enter the admin token (admin.token); it is kept in this tab only.'
    : 'This action needs the admin token (admin.token). It is kept in this tab only.';
  reason.className = refused ? 'problem' : '';
  tokenAsk = new Promise(function (resolve) {
    function finish(value) {
      form.removeEventListener('submit', onSubmit);
      $('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      input.value = '';
      if (dialog.open) dialog.close();
      tokenAsk = null;
      resolve(value);
    }
    function onSubmit(event) {
      event.preventDefault();
      var value = input.value.trim();
      if (value) finish(value);
    }
    function onCancel(event) {
      event.preventDefault();
      finish(null);
    }
    form.addEventListener('submit', onSubmit);
    $('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return tokenAsk;
}
/** POST or DELETE with the token; resolves with the answer's JSON, rejects with the problem. */
function write(method, path, body) {
  function attempt() {
    var token = storedToken();
    var headers = { accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' }).then(function (res) {
      if (res.status !== 401) return res.ok ? res.json() : problemOf(res);
      if (token) storeToken(null);
      return askToken(Boolean(token)).then(function (typed) {
        if (typed === null) {
          var cancelled = new Error('cancelled: no admin token given');
          cancelled.cancelled = true;
          throw cancelled;
        }
        storeToken(typed);
        return attempt();
      });
    });
  }
  return attempt();
}
function envPath(id, action) {
  return 'api/v1/environments/' + encodeURIComponent(id) + (action ? '/' + action : '');
}
`;
