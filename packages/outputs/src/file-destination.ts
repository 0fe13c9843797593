import { join } from 'node:path';
import { compileCheckedRecordTemplate, CoreError, type CheckedRecordTemplate } from '@tributary/core';
import { strftimeUtc } from './strftime.js';

/** What out_file does with a record whose destination it cannot use (`on_missing_field`, `on_limit_reached`). */
export type DestinationAction = 'error' | 'drop' | 'fallback';

export interface FileDestinationSettings {
  readonly path: string | undefined;
  readonly file: string | undefined;
  readonly enableStrftime: boolean;
  readonly maxDynamicFiles: number;
  readonly onMissingField: string;
  readonly onLimitReached: string;
  readonly fallbackPath: string | undefined;
  readonly fallbackFile: string | undefined;
}

/** Where one record goes: a file, or nowhere (dropped, said why), or the chunk fails (an error, said why). */
export type Destination = { readonly path: string } | { readonly drop: string } | { readonly error: string };

/**
 * A tag as a file name, as out_file's `sanitize_tag_name`: `/` and `\` separate components (a
 * tag may name a subdirectory), `.` and `..` components become `_`, every byte outside
 * `[A-Za-z0-9._-]` becomes `_`; nothing left is `_`.
 */
export function sanitizeTag(tag: string): string {
  const components = tag.split(/[/\\]/).filter((component) => component !== '');
  const safe = components.map((component) =>
    component === '.' || component === '..' ? '_' : Buffer.from(component, 'utf8').toString('latin1').replace(/[^A-Za-z0-9._-]/g, '_'),
  );
  return safe.length === 0 ? '_' : safe.join('/');
}

/** Whether `text` holds a control character (below 0x20, or DEL). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** out_file's `validate_dynamic_file`: a name, not `.`/`..`, without separators, `: * ? " < > |` or control characters. */
function safeFile(file: string): boolean {
  return file !== '' && file !== '.' && file !== '..' && !/[/\\:*?"<>|]/.test(file) && !hasControl(file);
}

/** out_file's `validate_dynamic_path`: not empty, no control characters, no `.` or `..` component. */
function safePath(path: string): boolean {
  if (path === '' || hasControl(path)) return false;
  return path.split(/[/\\]/).every((component) => component !== '.' && component !== '..');
}

function actionOf(name: string, key: string, value: string): DestinationAction {
  const action = value.toLowerCase();
  if (action === 'error' || action === 'drop' || action === 'fallback') return action;
  throw new CoreError('INVALID_PROPERTY', `${name}: invalid ${key} value '${value}', expected error, drop or fallback.`);
}

const compose = (path: string | undefined, file: string) => (path === undefined ? file : join(path, file));

/**
 * out_file's destinations (`resolve_dynamic_destination`): `Path` and `File` as written, the
 * sanitized tag when `File` is unset — or, when either holds a record accessor (`$key`, `$TAG`)
 * or, with `enable_strftime`, a `%` conversion (the record's time, UTC), a file per record:
 * strftime first, then the accessors; a key the record lacks, or a name that would leave the
 * folder, is `on_missing_field`'s to handle, and more than `max_dynamic_files` distinct files
 * `on_limit_reached`'s (error fails the chunk, drop skips the record, fallback writes it to
 * `fallback_path`/`fallback_file`).
 */
export class FileDestinations {
  /** Whether the destination depends on the record (otherwise, only on the tag). */
  readonly dynamic: boolean;
  private readonly pathTemplate: CheckedRecordTemplate | undefined;
  private readonly fileTemplate: CheckedRecordTemplate | undefined;
  private readonly timePath: boolean;
  private readonly timeFile: boolean;
  private readonly onMissingField: DestinationAction;
  private readonly onLimitReached: DestinationAction;
  /** Distinct dynamic files written so far (out_file's `dynamic_files` table); only with a limit. */
  private readonly seen = new Set<string>();

  constructor(
    name: string,
    private readonly settings: FileDestinationSettings,
  ) {
    const { path, file } = settings;
    this.onMissingField = actionOf(name, 'on_missing_field', settings.onMissingField);
    this.onLimitReached = actionOf(name, 'on_limit_reached', settings.onLimitReached);
    if (settings.maxDynamicFiles < 0) throw new CoreError('INVALID_PROPERTY', `${name}: max_dynamic_files is 0 (unlimited) or more, not ${settings.maxDynamicFiles}.`);
    if ((this.onMissingField === 'fallback' || this.onLimitReached === 'fallback') && settings.fallbackFile === undefined) {
      throw new CoreError('INVALID_PROPERTY', `${name}: fallback_file is required for fallback actions.`);
    }
    if (path?.startsWith('$')) throw new CoreError('INVALID_PROPERTY', `${name}: dynamic 'path' must include a static prefix before record accessors, e.g. 'path /var/log/apps/$app'.`);
    this.pathTemplate = path?.includes('$') ? compileCheckedRecordTemplate(path) : undefined;
    this.fileTemplate = file?.includes('$') ? compileCheckedRecordTemplate(file) : undefined;
    this.timePath = settings.enableStrftime && path?.includes('%') === true;
    this.timeFile = settings.enableStrftime && file?.includes('%') === true;
    this.dynamic = this.pathTemplate !== undefined || this.fileTemplate !== undefined || this.timePath || this.timeFile;
    if (this.dynamic && settings.fallbackFile === undefined) {
      throw new CoreError('INVALID_PROPERTY', `${name}: fallback_file is required when path or file is dynamic (a record accessor or, with enable_strftime, a % conversion).`);
    }
  }

  /** The file of every record under `tag`, when the destination is not dynamic. */
  forTag(tag: string): string {
    return compose(this.settings.path, this.settings.file ?? sanitizeTag(tag));
  }

  /** The file of one record (dynamic destinations), with its time in seconds and its body. */
  forRecord(tag: string, seconds: number, body: unknown): Destination {
    const { settings } = this;
    let path = settings.path;
    if (this.timePath) path = strftimeUtc(path!, seconds);
    if (this.pathTemplate !== undefined) {
      // A strftime result is read as a template again, as Fluent Bit builds a new accessor from it.
      path = (this.timePath ? compileCheckedRecordTemplate(path!) : this.pathTemplate)(tag, body);
      if (path === undefined) return this.act(this.onMissingField, 'record accessor field missing from path');
    }
    let file = settings.file;
    if (this.timeFile) file = strftimeUtc(file!, seconds);
    if (this.fileTemplate !== undefined) {
      file = (this.timeFile ? compileCheckedRecordTemplate(file!) : this.fileTemplate)(tag, body);
      if (file === undefined) return this.act(this.onMissingField, 'record accessor field missing from file');
    } else if (file === undefined) {
      file = sanitizeTag(tag);
    }
    const pathIsDynamic = this.pathTemplate !== undefined || this.timePath;
    const fileIsDynamic = this.fileTemplate !== undefined || this.timeFile;
    if ((pathIsDynamic && !safePath(path!)) || (fileIsDynamic && !safeFile(file))) return this.act(this.onMissingField, 'unsafe dynamic output destination');
    const output = compose(path, file);
    if (settings.maxDynamicFiles === 0 || this.seen.has(output)) return { path: output };
    if (this.seen.size >= settings.maxDynamicFiles) return this.act(this.onLimitReached, 'max_dynamic_files limit reached');
    this.seen.add(output);
    return { path: output };
  }

  private act(action: DestinationAction, reason: string): Destination {
    if (action === 'drop') return { drop: reason };
    if (action === 'error') return { error: reason };
    return { path: compose(this.settings.fallbackPath, this.settings.fallbackFile!) };
  }
}
