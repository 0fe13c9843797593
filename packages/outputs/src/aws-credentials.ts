import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'ini';
import type { AwsCredentials } from './aws-sigv4.js';

/**
 * The AWS credentials of Fluent Bit's standard chain that Tributary reads, in its order: the
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), then the
 * shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) under
 * `aws_profile` (else `AWS_PROFILE`, else `default`). The EKS, ECS and EC2 instance providers
 * are not in Tributary; the error says so. Read at every use, so a rotated file is picked up.
 */
export function awsCredentials(profile: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  const file = env.AWS_SHARED_CREDENTIALS_FILE || join(env.HOME || homedir(), '.aws', 'credentials');
  const name = profile ?? (env.AWS_PROFILE || 'default');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  const section = text === undefined ? undefined : (parse(text)[name] as Record<string, unknown> | undefined);
  const key = section?.aws_access_key_id;
  const secret = section?.aws_secret_access_key;
  if (typeof key === 'string' && typeof secret === 'string') {
    const token = section?.aws_session_token;
    return { accessKeyId: key, secretAccessKey: secret, sessionToken: typeof token === 'string' ? token : undefined };
  }
  throw new Error(
    `no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put profile '${name}' in ${file}${text === undefined ? ' (it cannot be read)' : ''}; the EKS, ECS and EC2 instance providers are not in Tributary`,
  );
}
