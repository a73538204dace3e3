// The clients of scenario (d), timed on the clock the cold-start app writes its listening moment with
// (performance.timeOrigin + performance.now(): sub-millisecond, comparable between processes of one
// machine). Every request is `GET / HTTP/1.1` on a connection of its own; an answer counts when it is
// complete, `200` with the body `hello world\n`. Two modes, each printing one JSON document:
//
//   node cold-client.mjs held ADDRESS PORT HOST COUNT PARALLEL DEADLINE_MS
//     Opens COUNT connections to wakegate (at most PARALLEL connects in flight, so the proxy's accept
//     backlog is never flooded), sends one request on each, and waits for every answer: wakegate holds
//     them while the environment wakes. Ends when every request is answered or failed, or at the deadline.
//     { count, sent, startedAt, firstByteAt: [ms|null], doneAt: [ms|null], statuses, errors, errorSamples }
//
//   node cold-client.mjs by-hand ADDRESS PORT HOST RETRY_MS DEADLINE_MS COMMAND [ARGS...]
//     Starts COMMAND (the environment's app) as its own process group, as wakegate would, then connects
//     every RETRY_MS until the app accepts, sends one request and reads the answer; then stops the app.
//     { startedAt (the spawn), firstByteAt, doneAt, status, attempts, error }
//
// Plain .mjs so it starts without a TypeScript loader. A SIGTERM (the harness stopping) or the deadline
// stops the app started by hand too.
import { spawn } from 'node:child_process';
import net from 'node:net';

const now = () => performance.timeOrigin + performance.now();
const EXPECTED_BODY = 'hello world\n';
const [mode, ...rest] = process.argv.slice(2);

/** Reads one response from `socket`; calls back once with { status, firstByteAt, doneAt } or { error }. */
function readResponse(socket, done) {
  let buffer = '';
  let firstByteAt = null;
  let settled = false;
  const finish = (result) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    done({ firstByteAt, ...result });
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    if (firstByteAt === null) firstByteAt = now();
    buffer += chunk;
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffer.slice(0, end);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
    if (status === undefined) return finish({ error: `unparsable response head ${JSON.stringify(head.slice(0, 40))}` });
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    const body = buffer.slice(end + 4);
    let text;
    if (length !== undefined) {
      if (body.length < Number(length)) return;
      text = body.slice(0, Number(length));
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      if (!body.endsWith('0\r\n\r\n')) return;
      text = dechunk(body);
    } else {
      return finish({ error: 'response without a length' });
    }
    const doneAt = now();
    if (status === '200' && text !== EXPECTED_BODY) return finish({ status, doneAt, error: `unexpected body ${JSON.stringify(text.slice(0, 40))}` });
    finish({ status, doneAt, error: null });
  });
  socket.on('error', (error) => finish({ error: error.code ?? error.message }));
  socket.on('close', () => finish({ error: 'closed before the response was complete' }));
}

function dechunk(body) {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return out;
    const size = parseInt(body.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

function request(hostHeader) {
  return `GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: wakegate-bench\r\n\r\n`;
}

function print(document) {
  process.stdout.write(JSON.stringify(document), () => process.exit(0));
}

function held([address, portArg, hostHeader, countArg, parallelArg, deadlineArg]) {
  const port = Number(portArg);
  const count = Number(countArg);
  const parallel = Number(parallelArg);
  const payload = request(hostHeader);
  const firstByteAt = new Array(count).fill(null);
  const doneAt = new Array(count).fill(null);
  const sockets = new Array(count).fill(null);
  const statuses = {};
  const errorSamples = [];
  let errors = 0;
  let finished = 0;
  let sent = 0;
  let next = 0;
  let connecting = 0;
  let reported = false;
  const startedAt = now();

  const report = () => {
    if (reported) return;
    reported = true;
    const round = (t) => (t === null ? null : Math.round(t * 1000) / 1000);
    print({ count, sent, startedAt: round(startedAt), firstByteAt: firstByteAt.map(round), doneAt: doneAt.map(round), statuses, errors, errorSamples });
  };
  const pump = () => {
    while (connecting < parallel && next < count) open(next++);
  };
  const open = (i) => {
    connecting++;
    const socket = net.connect({ host: address, port, noDelay: true });
    sockets[i] = socket;
    let connected = false;
    const connectEnded = () => {
      if (connected) return;
      connected = true;
      connecting--;
      pump();
    };
    socket.once('connect', () => {
      connectEnded();
      socket.write(payload);
      sent++;
    });
    socket.once('error', connectEnded);
    readResponse(socket, (result) => {
      sockets[i] = null;
      firstByteAt[i] = result.firstByteAt;
      if (result.status !== undefined) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (result.error === null) doneAt[i] = result.doneAt;
      else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`#${i}: ${result.error}`);
      }
      if (++finished === count) report();
    });
  };

  setTimeout(() => {
    const unanswered = count - finished;
    if (unanswered > 0) {
      errors += unanswered;
      errorSamples.push(`${unanswered} request(s) unanswered at the deadline (${count - next} never sent)`);
    }
    report();
    for (const socket of sockets) socket?.destroy();
  }, Number(deadlineArg)).unref();
  pump();
}

function byHand([address, portArg, hostHeader, retryArg, deadlineArg, ...command]) {
  const port = Number(portArg);
  const retryMs = Number(retryArg);
  let attempts = 0;
  let app = null;
  let retryTimer = null;
  let reported = false;

  const stopApp = (then) => {
    if (app === null || app.exitCode !== null || app.signalCode !== null) return then();
    const kill = (signal) => {
      try {
        process.kill(-app.pid, signal);
      } catch {
        // the group is gone
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), 2_000);
    app.once('exit', () => {
      clearTimeout(timer);
      kill('SIGKILL'); // anything left in its group
      then();
    });
    kill('SIGTERM');
  };
  const report = (document) => {
    if (reported) return;
    reported = true;
    clearTimeout(retryTimer);
    stopApp(() => print({ startedAt, attempts, ...document }));
  };
  process.on('SIGTERM', () => stopApp(() => process.exit(143)));
  setTimeout(() => report({ firstByteAt: null, doneAt: null, status: null, error: `no complete answer within ${deadlineArg} ms` }), Number(deadlineArg)).unref();

  const attempt = () => {
    retryTimer = null;
    attempts++;
    const socket = net.connect({ host: address, port, noDelay: true });
    let refused = false;
    socket.once('connect', () => socket.write(request(hostHeader)));
    socket.once('error', (error) => {
      if (error.code === 'ECONNREFUSED' && !reported) {
        refused = true;
        retryTimer = setTimeout(attempt, retryMs);
      }
    });
    readResponse(socket, (result) => {
      if (refused) return;
      report({ firstByteAt: result.firstByteAt, doneAt: result.doneAt ?? null, status: result.status ?? null, error: result.error });
    });
  };

  const startedAt = now();
  app = spawn(command[0], command.slice(1), { detached: true, stdio: 'ignore' });
  app.once('error', (error) => report({ firstByteAt: null, doneAt: null, status: null, error: `the app could not be started: ${error.message}` }));
  app.once('exit', (code, signal) => {
    if (!reported) report({ firstByteAt: null, doneAt: null, status: null, error: `the app exited (${signal ?? `code ${code}`}) before answering` });
  });
  attempt();
}

if (mode === 'held' && rest.length === 6) held(rest);
else if (mode === 'by-hand' && rest.length >= 6) byHand(rest);
else {
  process.stderr.write(
    'usage: cold-client.mjs held ADDRESS PORT HOST COUNT PARALLEL DEADLINE_MS\n' +
      '       cold-client.mjs by-hand ADDRESS PORT HOST RETRY_MS DEADLINE_MS COMMAND [ARGS...]\n',
  );
  process.exit(2);
}
