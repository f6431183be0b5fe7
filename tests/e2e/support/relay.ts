// Starts the real relay binary on a free loopback port with a fresh data dir, and stops it by
// PID. Every test that needs a server gets one of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Relay {
  url: string;
  distDir: string;
  dataDir: string;
  stop(): Promise<void>;
  /** `kill -9`: no chance to clean up. */
  kill(): Promise<void>;
}

const RELAY_BIN = process.env.RELAY_BIN ?? join(__dirname, "../../../target/relay/crm-relay");
export const DIST_DIR = process.env.DIST_DIR ?? join(__dirname, "../../../dist");

/** `copyDist` serves a private copy of the built app, for tests that change it; `port` and
 * `dataDir` restart a relay where an earlier one ran (the caller then owns the data dir). */
export async function startRelay(opts: { copyDist?: boolean; port?: number; dataDir?: string } = {}): Promise<Relay> {
  const work = mkdtempSync(join(tmpdir(), "hearth-e2e-"));
  const dataDir = opts.dataDir ?? join(work, "data");
  let distDir = DIST_DIR;
  if (opts.copyDist) {
    distDir = join(work, "dist");
    cpSync(DIST_DIR, distDir, { recursive: true });
  }
  const child = spawn(
    RELAY_BIN,
    ["--host", "127.0.0.1", "--port", String(opts.port ?? 0), "--data-dir", dataDir, "--dist-dir", distDir],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CRM_LOG: "warn" } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`relay did not start in 20s\n${err}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before listening\n${err}`));
    });
  });
  return {
    url,
    distDir,
    dataDir,
    stop: () => stopProcess(child).finally(() => rmSync(work, { recursive: true, force: true })),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.on("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    process.kill(child.pid, "SIGTERM");
  });
}
