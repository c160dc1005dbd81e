// The few git commands a release needs, run with execFile (no shell, so no quoting or injection
// issues with paths and messages).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { MillwrightError } from "../core/errors.js";

const execFileP = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileP("git", args, { cwd, maxBuffer: 1 << 20 });
    return stdout.trim();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    const reason = err.code === "ENOENT" ? "git is not installed" : (err.stderr ?? err.message).trim();
    throw new MillwrightError("MW_CONFIG", `git ${args[0]} failed in ${cwd}: ${reason}`, {
      dir: cwd,
      command: `git ${args.join(" ")}`,
    });
  }
}

/** Top of the work tree containing `dir`; throws MW_CONFIG when `dir` is not in a git repository. */
export function gitTopLevel(dir: string): Promise<string> {
  return git(dir, ["rev-parse", "--show-toplevel"]);
}

/**
 * Commits exactly `file` (relative to `dir`) with `message` and returns the new commit's SHA.
 * `git commit -- <file>` commits only that path, so anything else a user had staged in the config
 * repository is not swept into the release commit.
 */
export async function gitCommitFile(dir: string, file: string, message: string): Promise<string> {
  return gitCommitFiles(dir, [file], message);
}

/** As gitCommitFile, for several paths in one commit (a canary release: the tag and its record). */
export async function gitCommitFiles(dir: string, files: string[], message: string): Promise<string> {
  await gitTopLevel(dir);
  await git(dir, ["add", "--", ...files]);
  await git(dir, ["commit", "--quiet", "-m", message, "--", ...files]);
  return git(dir, ["rev-parse", "HEAD"]);
}
