/**
 * Masks secrets (private key, token) in text before it reaches stderr. Secrets shorter than
 * 4 characters are ignored (masking them would mangle ordinary words).
 * @internal
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }
}

/** Values following `--private-key`/`--token` (or `--private-key=...`) in raw argv. @internal */
export function secretsInArgv(argv: readonly string[]): string[] {
  const names = ['--private-key', '--privateKey', '--token'];
  const found: string[] = [];
  argv.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && argv[i + 1] !== undefined) found.push(argv[i + 1] as string);
      else if (arg.startsWith(`${name}=`)) found.push(arg.slice(name.length + 1));
    }
  });
  return found;
}
