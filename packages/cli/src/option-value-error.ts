import { UsageError } from './exit-codes.js';

/**
 * A flag given a value it does not accept: names the flag, what was given and what is allowed
 * (`--max-size must be a positive integer number of px, got "abc"`). Exit code 2.
 * @internal
 */
export class OptionValueError extends UsageError {
  constructor(
    /** The flag, without dashes (`max-size`). */
    readonly option: string,
    /** The value as parsed (NaN for a number flag given text), or as typed. */
    readonly value: unknown,
    /** What the flag accepts, e.g. `a positive integer id`. */
    readonly allowed: string,
  ) {
    super(`--${option} must be ${allowed}, got ${show(value)}`);
    this.name = 'OptionValueError';
  }

  /**
   * The same error with the value as typed in `argv` when parsing lost it (yargs turns the
   * text given to a number flag into NaN).
   */
  withArgv(argv: readonly string[]): OptionValueError {
    if (!(typeof this.value === 'number' && Number.isNaN(this.value))) return this;
    const raw = typedValue(argv, this.option);
    return raw === undefined ? this : new OptionValueError(this.option, raw, this.allowed);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isNaN(value)) return 'a value that is not a number';
  return String(value);
}

/** The first value typed after `--option` (or in `--option=value`) that is not a number. */
function typedValue(argv: readonly string[], option: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`--${option}=`)) return arg.slice(option.length + 3);
    if (arg !== `--${option}`) continue;
    for (let j = i + 1; j < argv.length && !/^--?[a-z]/i.test(argv[j]!); j++) {
      if (argv[j]!.trim() === '' || Number.isNaN(Number(argv[j]))) return argv[j];
    }
    if (i + 1 < argv.length && /^--?[a-z]/i.test(argv[i + 1]!)) return undefined;
  }
  return undefined;
}
