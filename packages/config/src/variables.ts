import * as os from 'node:os';

/** Where `${NAME}` looks: `@SET` variables first, then the environment. */
export interface VariableScope {
  readonly variables: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about each `${NAME}` that is used but set nowhere. */
  readonly warn?: (message: string) => void;
}

/**
 * Fluent Bit's `flb_env_var_translate`: `${NAME}` and `${NAME:-default}`; an empty
 * environment value counts as unset; unset expands to ''; `${HOSTNAME}` defaults to the host
 * name; a `${` with no closing `}` ends expansion and is kept as written.
 */
export function expandVariables(value: string, scope: VariableScope): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = value.indexOf('${', at);
    if (start < 0) break;
    const end = value.indexOf('}', start + 2);
    if (end < 0) break;
    out += value.slice(at, start);
    const expression = value.slice(start + 2, end);
    const sep = expression.indexOf(':-');
    const name = sep < 0 ? expression : expression.slice(0, sep);
    const fallback = sep < 0 ? undefined : expression.slice(sep + 2);
    const found = lookup(name, scope);
    if (found !== undefined) out += found;
    else if (fallback !== undefined) out += fallback;
    else scope.warn?.(`variable \${${name}} is used but not set`);
    at = end + 1;
  }
  return out + value.slice(at);
}

function lookup(name: string, scope: VariableScope): string | undefined {
  const set = scope.variables.get(name);
  if (set !== undefined) return set;
  const env = scope.env[name];
  if (env !== undefined && env !== '') return env;
  if (name === 'HOSTNAME') return os.hostname();
  return undefined;
}
