/**
 * A Debian root for one test file: the cached root from scripts/platforms/debianRoot.sh (made on
 * the first run, minutes; then reused) under an overlay of its own, so nothing a run installs or
 * writes reaches the cache or the next run. /proc and /dev are mounted in it, this machine's DNS
 * and CA bundle copied in; close() kills what still runs inside and unmounts everything, and a
 * process exit does the same if close() never ran. Commands run with chroot(8): the same network
 * namespace, so 127.0.0.1 reaches the host and the host reaches them.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = join(__dirname, '..', '..', '..', 'scripts', 'platforms');
/** Made from nothing a root takes minutes (three at once on two cores: up to ~15). */
const MAKE_ROOT_TIMEOUT_MS = 30 * 60_000;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ROOT_PATH = '/opt/node/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface DebianRootSpec {
  /** Debian suite: bookworm, trixie. */
  suite: string;
  /** Debian architecture: amd64, arm64, armhf. */
  arch: string;
  /** Packages beyond minbase. */
  packages: readonly string[];
}

export interface RootCommandOptions {
  /** Working directory inside the root (default /). */
  cwd?: string;
  /** Added to the root's own small environment (PATH, HOME, LANG, the CA bundle). */
  env?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Every root the suite uses. Whichever test file runs first starts making all of them at once
 * (the files run one after another, the roots' downloads and dpkg runs need not), so from
 * nothing the suite waits for the slowest root, not for the sum.
 */
export const platformRoots = {
  trixieAmd64: {
    suite: 'trixie',
    arch: 'amd64',
    packages: [
      'g++',
      'make',
      'cmake',
      'pkg-config',
      'libavformat-dev',
      'libavcodec-dev',
      'libavdevice-dev',
      'libswscale-dev',
      'libavutil-dev',
      'libfreetype-dev',
    ],
  },
  // GnuTLS is the prebuilt's one shared library beyond libc and libstdc++ (apt has it anyway).
  bookwormArm64: { suite: 'bookworm', arch: 'arm64', packages: ['libgnutls30'] },
  // armv7 Node.js needs libatomic.
  bookwormArmhf: { suite: 'bookworm', arch: 'armhf', packages: ['libgnutls30', 'libatomic1'] },
} as const satisfies Record<string, DebianRootSpec>;

const open = new Set<DebianRoot>();
process.on('exit', () => {
  for (const root of open) root.closeNow();
});

export class DebianRoot {
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  private constructor(
    readonly spec: DebianRootSpec,
    /** The cached, pristine root (read-only here: the overlay's lower layer). */
    readonly cached: string,
    /** This run's folder: the overlay's upper and work layers and the merged root. */
    private readonly runDir: string,
  ) {}

  /** The root as this run sees it, on the host's side. */
  get path(): string {
    return join(this.runDir, 'root');
  }

  /**
   * Makes or reuses the cached root and mounts this run's view of it. Rejects with the reason
   * when the root cannot be made (no archive reachable, no debootstrap, no qemu): never skips.
   */
  static async open(spec: DebianRootSpec): Promise<DebianRoot> {
    const unavailable = rootUnavailable();
    if (unavailable) throw new Error(unavailable);
    await script('hostTools.sh', [], 10 * 60_000);
    for (const other of Object.values(platformRoots)) if (other !== spec) makeInBackground(other);
    const cached = (
      await script('debianRoot.sh', [spec.suite, spec.arch, ...spec.packages], MAKE_ROOT_TIMEOUT_MS)
    ).trim();
    removeAbandonedRuns();
    const runDir = mkdtempSync(join(tmpdir(), `${RUN_PREFIX}${process.pid}-`));
    const root = new DebianRoot(spec, cached, runDir);
    open.add(root);
    try {
      await root.mount();
    } catch (error) {
      await root.close();
      throw error;
    }
    return root;
  }

  /** Bind-mounts a host folder at `inside` (a path in the root), read-only unless `writable`. */
  async bind(hostPath: string, inside: string, writable = false): Promise<void> {
    const target = this.hostPathOf(inside);
    mkdirSync(target, { recursive: true });
    await run('mount', ['--bind', hostPath, target]);
    if (!writable) await run('mount', ['-o', 'remount,bind,ro', target]);
  }

  /** A path inside the root as the host sees it. */
  hostPathOf(inside: string): string {
    return join(this.path, inside);
  }

  writeFile(inside: string, content: string | Buffer, mode?: number): void {
    mkdirSync(dirname(this.hostPathOf(inside)), { recursive: true });
    writeFileSync(this.hostPathOf(inside), content, { mode });
  }

  /** Extracts a .tgz (an npm package: its `package/` folder) to `inside`. */
  async extractPackage(tarball: string, inside: string): Promise<void> {
    mkdirSync(this.hostPathOf(inside), { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', this.hostPathOf(inside), '--strip-components=1']);
  }

  /** The chroot(8) command line that runs `command` inside, as `options` say. */
  commandLine(command: string, args: readonly string[], options: Omit<RootCommandOptions, 'timeoutMs'>) {
    const env = {
      PATH: ROOT_PATH,
      HOME: '/root',
      LANG: 'C.UTF-8',
      NODE_EXTRA_CA_CERTS: CA_BUNDLE,
      ...options.env,
    };
    return [
      this.path,
      '/usr/bin/env',
      '-i',
      '-C',
      options.cwd ?? '/',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      command,
      ...args,
    ];
  }

  /** Runs a command inside to its end; rejects with its output when it fails or runs too long. */
  async exec(command: string, args: readonly string[], options: RootCommandOptions): Promise<string> {
    try {
      const { stdout, stderr } = await run('chroot', this.commandLine(command, args, options), {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (error) {
      const e = error as Error & { stdout?: string; stderr?: string; killed?: boolean; code?: unknown };
      const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.slice(-6000);
      const why = e.killed ? `ran past ${options.timeoutMs} ms` : `exit ${String(e.code)}`;
      throw new Error(`in the ${this.label} root, ${command} ${args.join(' ')}: ${why}\n${output}`);
    }
  }

  /** Starts a long-running command inside; close() kills it if still running. */
  spawn(command: string, args: readonly string[], options: Omit<RootCommandOptions, 'timeoutMs'>) {
    const child = spawn('chroot', this.commandLine(command, args, options), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  get label(): string {
    return `Debian ${this.spec.suite} ${this.spec.arch}`;
  }

  /** Kills what still runs inside, unmounts everything and removes this run's folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
    );
    for (const child of this.children) child.kill('SIGKILL');
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.closeNow();
  }

  /** close() without waiting for children: for the process's exit. */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    for (const child of this.children) child.kill('SIGKILL');
    // Also what the Node-RED and Homebridge helpers started in here through a wrapper.
    killProcessesIn(this.path);
    if (mountsUnder(this.runDir).length > 0) {
      try {
        execFileSync('umount', ['-R', this.path], { stdio: 'ignore' });
      } catch {
        // Busy (a process still dying): detach now, the kernel frees it when the last user goes.
        execFileSync('umount', ['-R', '-l', this.path], { stdio: 'ignore' });
      }
    }
    // Never rm through a mount: that would reach the cached root or a bound host folder.
    const left = mountsUnder(this.runDir);
    if (left.length > 0) throw new Error(`still mounted after umount: ${left.join(', ')}`);
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private async mount(): Promise<void> {
    for (const dir of ['upper', 'work', 'root']) mkdirSync(join(this.runDir, dir));
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${this.cached},upperdir=${join(this.runDir, 'upper')},workdir=${join(this.runDir, 'work')}`,
      this.path,
    ]);
    await run('mount', ['-t', 'proc', 'proc', this.hostPathOf('/proc')]);
    await run('mount', ['--bind', '/dev', this.hostPathOf('/dev')]);
    // Copied rather than bound: /etc/resolv.conf is often itself a link or a mount.
    writeFileSync(this.hostPathOf('/etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
    mkdirSync(dirname(this.hostPathOf(CA_BUNDLE)), { recursive: true });
    copyFileSync(CA_BUNDLE, this.hostPathOf(CA_BUNDLE));
  }
}

/** Run folders in tmpdir() are named with the pid of the test process that made them. */
const RUN_PREFIX = 'camera-mosaic-root-';

/**
 * Unmounts and removes the run folders of test processes that are gone: one killed (a CI
 * timeout, Ctrl-C) runs no exit handler, and would leave its mounts behind for good.
 */
function removeAbandonedRuns(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(RUN_PREFIX))) {
    const dir = join(tmpdir(), name);
    const pid = Number(name.slice(RUN_PREFIX.length).split('-')[0]);
    if (!(pid > 0) || existsSync(`/proc/${pid}`)) continue;
    killProcessesIn(join(dir, 'root'));
    if (mountsUnder(dir).length > 0)
      execFileSync('umount', ['-R', '-l', join(dir, 'root')], { stdio: 'ignore' });
    if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGKILLs every process whose root directory is `root` (what a killed test left running there). */
function killProcessesIn(root: string): void {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/root`) === root) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Mount points at or below `dir`, deepest first (from this process's mount table). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/**
 * Starts making every platform root and does not wait: setup.sh --test calls it before the
 * prebuilt addons' long compile, so on a fresh machine the downloads overlap that compile instead
 * of coming after it. Needs debootstrap and qemu already installed (setup.sh installs them).
 */
export function makeRootsInBackground(): string | undefined {
  const unavailable = rootUnavailable();
  if (unavailable) return unavailable;
  for (const spec of Object.values(platformRoots)) makeInBackground(spec);
  return undefined;
}

/**
 * Starts making a root and does not wait: its lock makes a later open() of the same root wait for
 * this maker, and a failure is made again, and reported, by that open(). Bounded by timeout(1).
 */
function makeInBackground(spec: DebianRootSpec): void {
  const args = [String(MAKE_ROOT_TIMEOUT_MS / 1000), 'bash', join(scripts, 'debianRoot.sh')];
  spawn('timeout', [...args, spec.suite, spec.arch, ...spec.packages], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

async function script(name: string, args: readonly string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('bash', [join(scripts, name), ...args], {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string; killed?: boolean };
    const why = e.killed ? `ran past ${timeoutMs} ms` : (e.stderr ?? '').trim() || e.message;
    throw new Error(`scripts/platforms/${name} ${args.join(' ')}: ${why}`);
  }
}

/** Why this machine cannot make roots at all (not Linux, not root), or undefined. */
function rootUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the platform tests make Debian roots: Linux only`;
  if (process.getuid?.() !== 0)
    return 'the platform tests make Debian roots with debootstrap: run them as root';
  if (!existsSync('/usr/sbin/chroot')) return 'no chroot(8)';
  return undefined;
}
