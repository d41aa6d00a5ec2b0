import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * argon2id password hashing with Node's built-in implementation, stored in
 * the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that other
 * argon2 libraries read, so the parameters travel with each hash and can be
 * raised later without invalidating existing ones.
 */
export interface Argon2Cost {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

const TAG_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, cost: Argon2Cost, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2(
      'argon2id',
      {
        message: password,
        nonce: salt,
        parallelism: cost.parallelism,
        memory: cost.memoryKiB,
        passes: cost.passes,
        tagLength,
      },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, cost: Argon2Cost): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const tag = await derive(password, salt, cost, TAG_LENGTH);
  return `$argon2id$v=19$m=${cost.memoryKiB},t=${cost.passes},p=${cost.parallelism}$${b64(salt)}$${b64(tag)}`;
}

/** True when `password` matches `hash`; false for a wrong password or a hash it cannot read. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = PHC.exec(hash);
  if (match === null) return false;
  const [, m, t, p, salt, expected] = match;
  const expectedTag = Buffer.from(expected ?? '', 'base64');
  const cost = { memoryKiB: Number(m), passes: Number(t), parallelism: Number(p) };
  const tag = await derive(password, Buffer.from(salt ?? '', 'base64'), cost, expectedTag.length);
  return timingSafeEqual(tag, expectedTag);
}

/**
 * A hash of a random password with the current cost: verifying against it
 * when an email is unknown makes a failed login take as long as a wrong
 * password, so response time does not tell which accounts exist.
 */
export function decoyHash(cost: Argon2Cost): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), cost);
}
