/**
 * Shell completion scripts generated from the command tree itself, so that they cannot drift from
 * the commands: subcommands, then each command's flags, the values of flags that take known names
 * (algorithms, curves, choices), and file names where a file is expected.
 */
import type { Command } from 'commander';
import { KEYGEN_ALGORITHMS, valuesFor } from './algorithms.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Entry {
  /** `verify`, or `key convert`. */
  readonly path: string;
  readonly description: string;
  readonly flags: readonly {
    readonly long: string;
    readonly short?: string;
    readonly description: string;
    readonly takesValue: boolean;
    /** The values the flag takes, when they are a known set. */
    readonly values?: readonly string[];
  }[];
  /** Names the first argument takes (`keygen <alg>`). */
  readonly argumentValues?: readonly string[];
  readonly aliases: readonly string[];
}

function entries(program: Command): Entry[] {
  const out: Entry[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      const path = prefix === '' ? sub.name() : `${prefix} ${sub.name()}`;
      out.push({
        path,
        description: sub.description(),
        aliases: prefix === '' ? sub.aliases() : [],
        ...(path === 'keygen' && { argumentValues: KEYGEN_ALGORITHMS }),
        flags: [...sub.options, ...program.options]
          .filter((option) => option.long !== undefined)
          .map((option) => {
            const values = valuesFor(path, option.long as string) ?? option.argChoices;
            return {
              long: option.long as string,
              ...(option.short !== undefined && { short: option.short }),
              description: option.description,
              takesValue: option.required || option.optional,
              ...(values !== undefined && { values }),
            };
          }),
      });
      walk(sub, path);
    }
  };
  walk(program, '');
  return out;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const list = entries(program);
  const top = list.filter((entry) => !entry.path.includes(' ')).flatMap((entry) => [entry.path, ...entry.aliases]);
  const aliases = list.flatMap((entry) => entry.aliases.map((alias) => `      ${quote(alias)}) word=${quote(entry.path)} ;;`));
  const values = list
    .flatMap((entry) => [
      ...entry.flags
        .filter((flag) => flag.values !== undefined)
        .map(
          (flag) =>
            `    ${[flag.long, ...(flag.short ? [flag.short] : [])].map((name) => quote(`${entry.path}|${name}`)).join('|')}) words=${quote((flag.values as readonly string[]).join(' '))} ;;`,
        ),
      ...(entry.argumentValues === undefined
        ? []
        : [`    ${quote(`${entry.path}|${entry.path.split(' ').at(-1)}`)}) words=${quote(entry.argumentValues.join(' '))} ;;`]),
    ])
    .join('\n');
  const cases = list
    .map((entry) => {
      const words = [
        ...list
          .filter(
            (other) =>
              other.path.startsWith(`${entry.path} `) && other.path.split(' ').length === entry.path.split(' ').length + 1,
          )
          .map((other) => other.path.split(' ').at(-1)),
        ...entry.flags.flatMap((flag) => [flag.long, ...(flag.short ? [flag.short] : [])]),
      ];
      return `    ${quote(entry.path)}) words=${quote(words.join(' '))} ;;`;
    })
    .join('\n');
  const known = list.map((entry) => quote(entry.path)).join('|');
  return `# jwtkit completion for bash: source this file, or add it to ~/.bashrc
_jwtkit() {
  local cur word candidate path="" words="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "$word" in
${aliases.join('\n')}
    esac
    candidate="\${path:+$path }$word"
    case "$candidate" in
      ${known}) path="$candidate" ;;
    esac
  done
  case "$path" in
    '') words=${quote([...top, '--help', '--version', '--json', '--no-color'].join(' '))} ;;
${cases}
  esac
  # A flag that takes a known name (an algorithm, a curve, a choice), or keygen's <alg>.
  case "$path|\${COMP_WORDS[COMP_CWORD-1]}" in
${values}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 && "$cur" != -* ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o filenames -F _jwtkit jwtkit
`;
}

function zsh(program: Command): string {
  return `#compdef jwtkit
# jwtkit completion for zsh: put this file in a directory of $fpath as _jwtkit
autoload -U +X bashcompinit && bashcompinit
${bash(program).replace(/^# .*\n/, '')}`;
}

function fish(program: Command): string {
  const lines = ['# jwtkit completion for fish: save as ~/.config/fish/completions/jwtkit.fish', 'complete -c jwtkit -f'];
  for (const entry of entries(program)) {
    const parts = entry.path.split(' ');
    const name = parts.at(-1) as string;
    const parent = parts.slice(0, -1);
    const condition =
      parent.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${parent.join(' ')}; and not __fish_seen_subcommand_from ${name}`;
    for (const shown of [name, ...entry.aliases])
      lines.push(`complete -c jwtkit -n ${quote(condition)} -a ${shown} -d ${quote(entry.description)}`);
    const seen = quote(`__fish_seen_subcommand_from ${[name, ...entry.aliases].join(' ')}`);
    if (entry.argumentValues !== undefined)
      lines.push(`complete -c jwtkit -n ${seen} -a ${quote(entry.argumentValues.join(' '))}`);
    for (const flag of entry.flags) {
      const short = flag.short === undefined ? '' : ` -s ${flag.short.slice(1)}`;
      const value = flag.values !== undefined ? ` -x -a ${quote(flag.values.join(' '))}` : flag.takesValue ? ' -r -F' : '';
      lines.push(`complete -c jwtkit -n ${seen} -l ${flag.long.slice(2)}${short}${value} -d ${quote(flag.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. */
export function completionScript(program: Command, shell: Shell): string {
  return shell === 'bash' ? bash(program) : shell === 'zsh' ? zsh(program) : fish(program);
}
