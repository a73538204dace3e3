import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConfigCommand } from '../../../src/config/check-command.js';
import { scratchDirectory } from './temp-files.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.remove());

function run(file: string | undefined, env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = checkConfigCommand({ file, env, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('check-config', () => {
  it('prints the effective config and its notes, and exits 0', () => {
    const file = scratch.write('ok.yaml', 'admin: { listen: "0.0.0.0:9090" }\nwake: { timeout: 90s }\n');
    const { code, stdout, stderr } = run(file);
    expect(code).toBe(0);
    expect(stdout).toContain('timeout: 90s\n');
    expect(stdout).toContain('listen: 0.0.0.0:9090\n');
    expect(stderr).toBe('note: admin writes are refused: no admin.token is set and admin.listen is not loopback\n');
  });

  it('lists every problem, one per line, and exits 1 without a stack trace', () => {
    const file = scratch.write('bad.yaml', 'wake: { timeout: 10 }\nprovider: docker\n');
    const { code, stdout, stderr } = run(file, { WAKEGATE_LOG_LEVL: 'debug' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      'wakegate: config is invalid (3 problems):',
      '  WAKEGATE_LOG_LEVL: "debug" — expected a known WAKEGATE_* variable: did you mean WAKEGATE_LOG_LEVEL?',
      '  provider: "docker" — expected one of local, kubernetes',
      '  wake.timeout: 10 — expected a duration above 0s, such as 30s, 5m or 1h30m, but it has no unit (write 10s or 10ms)',
      '',
    ]);
    expect(stderr).not.toMatch(/\bat .+:\d+:\d+\)/);
  });

  it('says "1 problem" for one', () => {
    const { code, stderr } = run(scratch.write('one.yaml', 'listen: 8080\n'));
    expect(code).toBe(1);
    expect(stderr).toBe('wakegate: config is invalid (1 problem):\n  listen: 8080 — expected host:port, such as 0.0.0.0:8080 or [::1]:8080\n');
  });

  it('reports a missing file as a problem', () => {
    const { code, stderr } = run(scratch.write('x', '') + '.missing');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^wakegate: config is invalid \(1 problem\):\n {2}file: ".+\.missing" — expected a readable YAML file \(no such file\)\n$/);
  });

  it('checks the file named by WAKEGATE_CONFIG when no file is given', () => {
    const file = scratch.write('named.yaml', 'log: { level: warn }\n');
    const { code, stdout } = run(undefined, { WAKEGATE_CONFIG: file });
    expect(code).toBe(0);
    expect(stdout).toContain('level: warn\n');
  });

  it('never prints the admin token, whether the config is valid or not', () => {
    const secret = 'do-not-print-me';
    const valid = run(scratch.write('t.yaml', `admin: { token: ${secret} }\n`));
    expect(valid.code).toBe(0);
    expect(valid.stdout + valid.stderr).not.toContain(secret);
    expect(valid.stdout).toContain('token: <redacted>');
    const invalid = run(scratch.write('u.yaml', `admin: { token: ${secret}, tokn: ${secret} }\nlisten: x\n`), { WAKEGATE_ADMIN_TOKEN: secret });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout + invalid.stderr).not.toContain(secret);
  });
});
